package io.herald.client;

import java.net.URI;

/**
 * Hooks for the application's metrics (Micrometer counters, logs). Called on the client's thread; keep them quick.
 * Every method does nothing by default.
 */
public interface HeraldMetrics {

    /** Metrics that record nothing: the default. */
    HeraldMetrics NONE = new HeraldMetrics() {
    };

    /** A connection was opened and welcomed by {@code node}. */
    default void connected(URI edge, String node) {
    }

    /**
     * A connection ended: the server's close code, 1006 for a broken connection, 4000 when the client gave up on a
     * silent one, 1000 for the application's own {@link HeraldClient#close()}.
     */
    default void disconnected(int code) {
    }

    /** A notification was handed to the application. */
    default void messageDelivered(String channel) {
    }

    /** A notification at or before the channel's last position arrived again and was dropped. */
    default void duplicateDropped(String channel) {
    }

    /** The server reported a {@code reset} of the channel. */
    default void reset(String channel) {
    }

    /** The client is about to open a connection to {@code edge}; {@code attempt} counts from 1 since the last success. */
    default void reconnectAttempt(URI edge, int attempt) {
    }
}
