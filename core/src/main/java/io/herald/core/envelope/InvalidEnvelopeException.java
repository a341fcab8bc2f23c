package io.herald.core.envelope;

/**
 * An envelope that cannot be accepted. {@link #field()} names the offending field (JSON Pointer style,
 * e.g. {@code /channel}, or empty for the document itself); the message is safe to show to the producer.
 */
public class InvalidEnvelopeException extends IllegalArgumentException {

    private final String field;
    private final Reason reason;

    public InvalidEnvelopeException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    public String field() {
        return field;
    }

    public Reason reason() {
        return reason;
    }

    /** Stable machine-readable causes; they name problem types over HTTP and DLT headers in Kafka. */
    public enum Reason {
        MALFORMED_JSON("malformed-json"),
        NOT_AN_OBJECT("not-an-object"),
        MISSING_FIELD("missing-field"),
        UNKNOWN_FIELD("unknown-field"),
        WRONG_TYPE("wrong-type"),
        INVALID_VALUE("invalid-value"),
        INVALID_CHANNEL("invalid-channel"),
        KEY_MISMATCH("key-mismatch"),
        TOO_LARGE("too-large");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
