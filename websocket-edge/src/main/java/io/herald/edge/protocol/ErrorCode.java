package io.herald.edge.protocol;

/** The {@code code} of an {@code error} frame. Stable: clients branch on it. */
public enum ErrorCode {
    /** The frame is not a JSON object, or a field has the wrong type. */
    BAD_FRAME("bad-frame"),
    /** The {@code op} is missing or not one this protocol version knows. */
    UNKNOWN_OP("unknown-op"),
    INVALID_CHANNEL("invalid-channel"),
    INVALID_POSITION("invalid-position"),
    INVALID_TOKEN("invalid-token"),
    ALREADY_SUBSCRIBED("already-subscribed"),
    NOT_SUBSCRIBED("not-subscribed"),
    FORBIDDEN("forbidden"),
    /** The node could not reach Redis in time to subscribe; retry later (the client library does). */
    UNAVAILABLE("unavailable");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
