package io.herald.engine;

/**
 * The offsets {@code [from, to)} of one partition that an operation reads.
 *
 * @param note why the range is narrower than asked (e.g. capped at the dispatcher's committed offset), or null
 */
public record OffsetRange(int partition, long from, long to, String note) {

    public OffsetRange {
        if (to < from) {
            to = from;
        }
    }

    public long size() {
        return to - from;
    }

    public OffsetRange capAt(long limit, String why) {
        return limit >= to ? this : new OffsetRange(partition, from, Math.max(from, limit), why);
    }
}
