package io.herald.engine.deadletter;

/**
 * What happened to one dead letter.
 *
 * @param ref       the dead letter ({@code <partition>:<offset>}, or what the operator typed when not found)
 * @param outcome   what happened
 * @param detail    for the operator: what clients will receive, the reason it was refused, the error
 * @param channel   the channel it is (or would be) delivered to, or null when refused before decoding
 * @param id        the notification ID clients receive (the envelope's {@code id}); for a redrive of an envelope
 *                  without one, the ID derived from the new record, so null in a dry run
 * @param position  the position clients receive ({@code <offset>-1} of the new record, its partition's base added
 *                  after a growth of the topic), or null
 * @param partition where it went in the notifications topic, or null
 * @param offset    where it went in the notifications topic, or null
 */
public record RedriveResult(String ref, Outcome outcome, String detail, String channel, String id, String position,
        Integer partition, Long offset) {

    /** A dead letter not sent: nothing for clients to receive. */
    static RedriveResult notSent(String ref, Outcome outcome, String detail) {
        return new RedriveResult(ref, outcome, detail, null, null, null, null, null);
    }

    public enum Outcome {
        /** Sent back to the notifications topic and acknowledged. */
        REDRIVEN,
        /** Dry run: would be sent. */
        WOULD_REDRIVE,
        /** Redriven before; skipped (use force to send it again). */
        ALREADY_REDRIVEN,
        /** Still not a valid envelope: it would only come back; correct it with a corrected value. */
        INVALID,
        /** Kafka did not acknowledge it, or Redis could not record the redrive. */
        FAILED,
        /** No such dead letter. */
        NOT_FOUND,
        /** The bare offset exists in several partitions of the dead-letter topic. */
        AMBIGUOUS;

        public boolean succeeded() {
            return this == REDRIVEN || this == WOULD_REDRIVE || this == ALREADY_REDRIVEN;
        }
    }
}
