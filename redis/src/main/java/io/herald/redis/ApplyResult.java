package io.herald.redis;

import io.herald.core.position.Position;

/**
 * What the apply script did with one record.
 *
 * @param outcome         applied, duplicate or partition mismatch
 * @param previous        for APPLIED the channel's position before this record (its {@code prev}); otherwise
 *                        the channel's last applied position
 * @param metaPartition   for PARTITION_MISMATCH the partition the channel's meta names, else -1
 */
public record ApplyResult(Outcome outcome, Position previous, int metaPartition) {

    public enum Outcome {
        APPLIED,
        DUPLICATE,
        PARTITION_MISMATCH
    }
}
