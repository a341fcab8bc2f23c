package io.herald.edge.delivery;

/**
 * Reads {@code createdAt} and {@code expiresAt} out of an envelope in canonical form without parsing it. The
 * canonical encoding (core {@code EnvelopeCodec}) writes {@code createdAt} after {@code data} and only
 * {@code expiresAt} (a number or null) after it, always present, so the last occurrence of either field name in the
 * text is the envelope's own, whatever {@code data} contains. Every envelope an edge sees is canonical: the
 * dispatcher writes the Redis log and the pub/sub payload with that encoder, and the Kafka reader re-encodes.
 */
public final class EnvelopeTime {

    /** What {@link #expiresAt} answers for a notification that never expires. */
    public static final long NEVER = Long.MAX_VALUE;

    private static final String CREATED_AT = "\"createdAt\":";
    private static final String EXPIRES_AT = "\"expiresAt\":";

    private EnvelopeTime() {
    }

    /** Epoch millis, or -1 when the text has no such field. */
    public static long createdAt(String canonicalEnvelope) {
        return millisAfterLast(canonicalEnvelope, CREATED_AT, -1);
    }

    /** Epoch millis after which the notification must not be delivered, or {@link #NEVER} ({@code null} or absent). */
    public static long expiresAt(String canonicalEnvelope) {
        return millisAfterLast(canonicalEnvelope, EXPIRES_AT, NEVER);
    }

    private static long millisAfterLast(String canonicalEnvelope, String field, long absent) {
        int at = canonicalEnvelope.lastIndexOf(field);
        if (at < 0) {
            return absent;
        }
        long value = 0;
        int digits = 0;
        for (int i = at + field.length(); i < canonicalEnvelope.length() && digits < 19; i++, digits++) {
            char c = canonicalEnvelope.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return digits == 0 ? absent : value;
    }
}
