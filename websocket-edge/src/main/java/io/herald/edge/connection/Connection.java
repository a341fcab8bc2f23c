package io.herald.edge.connection;

import io.herald.edge.auth.Identity;
import java.time.Instant;

/** A client connection of either transport (WebSocket session, event stream), as the {@link SessionRegistry} sees it. */
public interface Connection {

    String id();

    Identity identity();

    /**
     * Periodic upkeep, called often (at least once a second) from one thread: fail writes stuck past their time
     * limit, send heartbeats, end a connection whose token expired or whose peer went silent. Must not block.
     */
    void tick(long nowNanos, Instant now);

    /** The node is shutting down: end the connection so that its client reconnects elsewhere and resumes. */
    void drain();

    /** What is queued for the client (characters or bytes). */
    long queued();
}
