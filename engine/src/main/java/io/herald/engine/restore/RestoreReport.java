package io.herald.engine.restore;

import io.herald.engine.OffsetRange;
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
 * @param mismatched         records on their channel's home partition whose channel belongs to another (its meta
 *                           names it): the dispatcher dead-lettered them as {@code partition-mismatch}; not written
 * @param moved              records on another partition than their channel's home partition: the dispatcher moved
 *                           them there, and the scan restores the copy; the originals are not written
 * @param channels           distinct channels among the matched records
 * @param mismatchedChannels some of the channels with a partition mismatch and the partition they belong to
 *                           (at most 20)
 */
public record RestoreReport(boolean dryRun, String topic, String group, List<OffsetRange> ranges, long scanned,
        long matched, long invalid, long restored, long present, long repaired, long trimmed, long mismatched,
        long moved, long channels, List<String> mismatchedChannels) {

    /** Some records were not restored (partition mismatch): the operator must look at them (they are dead letters). */
    public boolean partial() {
        return mismatched > 0;
    }
}
