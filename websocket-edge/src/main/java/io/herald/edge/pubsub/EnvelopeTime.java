package io.herald.edge.pubsub;

/**
 * Reads {@code createdAt} out of an envelope in canonical form without parsing it. The canonical encoding
 * writes {@code createdAt} after {@code data} and only {@code expiresAt} (a number or null) after it, so the
 * last {@code "createdAt":} in the text is the envelope's own, whatever {@code data} contains.
 */
final class EnvelopeTime {

    private static final String FIELD = "\"createdAt\":";

    private EnvelopeTime() {
    }

    /** Epoch millis, or -1 when the text has no such field. */
    static long createdAt(String canonicalEnvelope) {
        int at = canonicalEnvelope.lastIndexOf(FIELD);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (int i = at + FIELD.length(); i < canonicalEnvelope.length() && digits < 19; i++, digits++) {
            char c = canonicalEnvelope.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return digits == 0 ? -1 : value;
    }
}
