package io.herald.engine.replay;

import io.herald.engine.OffsetRange;
import java.util.List;

/**
 * What a replay read and sent.
 *
 * @param ranges       the offsets read of each partition the channel lived in, oldest first: one unless a growth
 *                     of the topic moved it
 * @param scanned      records read from Kafka (all channels of the partitions)
 * @param matched      records of the channel in the window
 * @param invalid      records of the channel the dispatcher dead-letters (never delivered, not replayed)
 * @param expired      records of the channel whose {@code expiresAt} had passed: skipped, as no edge may deliver them
 * @param published    replay messages published (for a dry run: that would be published)
 * @param firstId      position of the first notification replayed, or null
 * @param lastId       position of the last notification replayed, or null
 * @param receivers    the most pub/sub connections one message reached: one per edge node subscribed to the channel
 *                     (however many of its clients are), plus any other subscriber
 */
public record ReplayReport(boolean dryRun, String channel, List<OffsetRange> ranges, long scanned, long matched,
        long invalid, long expired, long published, String firstId, String lastId, long receivers) {

    public ReplayReport {
        ranges = List.copyOf(ranges);
    }
}
