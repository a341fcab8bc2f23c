package io.herald.client;

/** Where the client's connection is. */
public enum ConnectionState {
    /** Built, {@link HeraldClient#connect()} not called yet. */
    IDLE,
    /** The first connection is being opened. */
    CONNECTING,
    /** Connected and welcomed: subscriptions are live. */
    OPEN,
    /** The connection dropped; a new one is being opened (after a backoff delay). */
    RECONNECTING,
    /** Closed by {@link HeraldClient#close()}, or stopped because reconnecting cannot help (see {@link HeraldError}). */
    CLOSED
}
