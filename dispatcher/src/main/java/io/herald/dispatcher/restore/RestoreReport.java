package io.herald.dispatcher.restore;

import io.herald.dispatcher.engine.OffsetRange;
import java.util.List;

/**
 * What a restore read and wrote.
 *
 * @param ranges             the offsets read per partition, with why a range was narrowed
 * @param scanned            records read from Kafka
 * @param matched            records of the selected channel(s)
 * @param invalid            records the dispatcher dead-letters (not restorable, skipped)
 * @param restored           entries written into logs (for a dry run: that would be written)
 * @param present            records already in their log, left as they were
 * @param repaired           entries already in their log whose {@code prev} was corrected
 * @param trimmed            records older than the newest MAXLEN of their log, not written
 * @param mismatched         records of channels whose meta names another partition (not written)
 * @param channels           distinct channels among the matched records
 * @param mismatchedChannels some of the channels with a partition mismatch (at most 20)
 */
public record RestoreReport(boolean dryRun, String topic, String group, List<OffsetRange> ranges, long scanned,
        long matched, long invalid, long restored, long present, long repaired, long trimmed, long mismatched,
        long channels, List<String> mismatchedChannels) {

    /** Some records could not be restored (partition mismatch): the operator must look at them. */
    public boolean partial() {
        return mismatched > 0;
    }
}
