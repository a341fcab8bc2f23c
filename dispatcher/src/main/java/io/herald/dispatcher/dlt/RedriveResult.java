package io.herald.dispatcher.dlt;

/**
 * What happened to one dead letter.
 *
 * @param ref       the dead letter ({@code <partition>:<offset>}, or what the operator typed when not found)
 * @param outcome   what happened
 * @param detail    for the operator: the new position, the reason it was refused, the error
 * @param partition where it went in the notifications topic, or null
 * @param offset    where it went in the notifications topic, or null
 */
public record RedriveResult(String ref, Outcome outcome, String detail, Integer partition, Long offset) {

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
