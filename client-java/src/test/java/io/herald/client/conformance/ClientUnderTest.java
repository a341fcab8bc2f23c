package io.herald.client.conformance;

import java.util.Optional;

/**
 * One client (Java or JavaScript) as the conformance scenarios drive it: the operations an application uses, and what
 * it observed. Each implementation is a thin adapter; the scenarios are written once, in {@link ClientConformance}.
 */
public interface ClientUnderTest extends AutoCloseable {

    /** Subscribes the channel with a listener that records into {@link #observed()}. */
    void subscribe(String channel);

    void connect();

    /** The channel's last position, once the client has one (after {@code subscribed} or a message). */
    Optional<String> position(String channel);

    /** The connection state in lower case: idle, connecting, open, reconnecting, closed. */
    String state();

    /** Unblocks a listener blocked by {@link ClientConfig#blockOn()}. */
    void release();

    /** Whether the listener is blocked on {@link ClientConfig#blockOn()}'s notification. */
    boolean blocked();

    Observed observed();

    /** Closes the client (and its process, for the JavaScript one). */
    @Override
    void close();

    /** Starts clients of one kind. */
    interface Factory {
        ClientUnderTest start(ClientConfig config);
    }
}
