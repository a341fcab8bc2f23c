package io.herald.edge.protocol;

/** The {@code code} of an {@code error} frame. Stable: clients branch on it. */
public enum ErrorCode {
    /** The frame is not a JSON object, or a field has the wrong type. */
    BAD_FRAME("bad-frame"),
    /** The {@code op} is missing or not one this protocol version knows. */
    UNKNOWN_OP("unknown-op"),
    INVALID_CHANNEL("invalid-channel"),
    INVALID_POSITION("invalid-position"),
    /** A resume token that cannot be read. */
    INVALID_TOKEN("invalid-token"),
    ALREADY_SUBSCRIBED("already-subscribed"),
    NOT_SUBSCRIBED("not-subscribed"),
    /** The session's token does not allow the channel; nothing of it is delivered. */
    FORBIDDEN("forbidden"),
    /** More subscribes than the session's rate allows; retry later. Not counted as a bad frame. */
    RATE_LIMITED("rate-limited"),
    /** A {@code refresh} token was refused (invalid, expired, or for another subject); the session keeps its token. */
    UNAUTHORIZED("unauthorized"),
    /**
     * The node could not subscribe in time (Redis away) or could not catch the channel up (Redis or Kafka away);
     * the subscription is gone. Subscribe again from the last position, with backoff (the client library does).
     */
    UNAVAILABLE("unavailable");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Whether this refusal is the client's doing and counts towards {@code herald.edge.limits.max-bad-frames}. */
    public boolean countsAsBadFrame() {
        return this != RATE_LIMITED && this != UNAVAILABLE;
    }
}
