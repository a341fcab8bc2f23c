package io.herald.engine.inspect;

/**
 * How far the dispatcher group is behind on one partition.
 *
 * @param committed the group's committed offset, or null when it never committed on this partition
 * @param end       the partition's end offset (the next record's offset)
 * @param lag       records not yet committed: {@code end - committed}, or {@code end - beginning} when nothing
 *                  was committed (the group starts from the earliest record)
 */
public record PartitionLag(int partition, Long committed, long end, long lag) {
}
