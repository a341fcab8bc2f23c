package io.herald.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The home partition is the one Kafka's Java producer picks for the channel as key: ingest and Herald must agree. */
class ChannelPartitionerTest {

    /**
     * Values Kafka's default partitioner gives (murmur2 of the UTF-8 key, {@code toPositive}, modulo): pinned so that a
     * change of the rule, or of Kafka's, fails here. Three of the keys hash negative, where {@code Math.abs} would pick
     * another partition ({@code user:42} on 12 partitions: 7, not 1).
     */
    @ParameterizedTest
    @CsvSource({
            "user:42,       1, 0", "user:42,       3, 1", "user:42,       12, 1", "user:42,       50, 25",
            "user:alice,    3, 2", "user:alice,    12, 8", "user:alice,    50, 28",
            "team:ops,      3, 0", "team:ops,      12, 3", "team:ops,      50, 13",
            "broadcast:all, 3, 0", "broadcast:all, 12, 6", "broadcast:all, 50, 10",
            "user:bob,      12, 11", "user:bob,      50, 7"})
    void pinnedPartitions(String channel, int partitions, int expected) {
        byte[] key = channel.getBytes(StandardCharsets.UTF_8);
        assertThat(ChannelPartitioner.partitionOf(ChannelName.parse(channel), partitions))
                .isEqualTo(expected)
                .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % partitions)
                .isEqualTo(BuiltInPartitioner.partitionForKey(key, partitions));
    }

    @Test
    void sameAsTheJavaProducersPartitionerForManyChannels() {
        IntStream.range(0, 5_000).forEach(i -> {
            String channel = "user:c-" + i;
            int partitions = 1 + i % 64;
            assertThat(ChannelPartitioner.partitionOf(ChannelName.parse(channel), partitions)).as(channel)
                    .isEqualTo(BuiltInPartitioner.partitionForKey(channel.getBytes(StandardCharsets.UTF_8), partitions));
        });
    }
}
