package io.herald.engine.deadletter;

import java.util.List;

/**
 * Which dead letters to send back through the pipeline.
 *
 * @param all            every dead letter not redriven yet
 * @param refs           these dead letters (when not {@code all})
 * @param correctedValue a corrected envelope to send instead of the original value (one ref only), or null; the
 *                       record key becomes the corrected envelope's channel, as the record format requires
 * @param force          redrive again dead letters already redriven
 * @param dryRun         check and report, send nothing
 */
public record RedriveRequest(boolean all, List<DeadLetterRef> refs, byte[] correctedValue, boolean force, boolean dryRun) {

    public RedriveRequest {
        refs = refs == null ? List.of() : List.copyOf(refs);
        if (all == !refs.isEmpty()) {
            throw new IllegalArgumentException("name the dead letters to redrive, or ask for all of them, not both");
        }
        if (correctedValue != null && (all || refs.size() != 1)) {
            throw new IllegalArgumentException("a corrected value replaces exactly one dead letter: give one offset");
        }
    }
}
