package io.herald.testkit.kafka;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's progress on a topic, read with the admin client: what the group committed against what the
 * topic holds. Tests use it to wait until a dispatcher applied everything, and to show what a tool left alone.
 */
public final class GroupOffsets {

    private final Admin admin;
    private final String group;
    private final List<TopicPartition> partitions;

    public GroupOffsets(Admin admin, String topic, int partitions, String group) {
        this.admin = admin;
        this.group = group;
        this.partitions = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    /** The topic's partitions. */
    public List<TopicPartition> partitions() {
        return partitions;
    }

    /** The group's committed offset of every partition of the topic (0 where nothing was committed). */
    public Map<TopicPartition, Long> committed() {
        Map<TopicPartition, OffsetAndMetadata> committed =
                get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            offsets.put(partition, offset == null ? 0 : offset.offset());
        }
        return offsets;
    }

    /** The end offset of every partition of the topic. */
    public Map<TopicPartition, Long> endOffsets() {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, OffsetSpec.latest()));
        return get(admin.listOffsets(request).all()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Waits until the group has committed everything on the topic. */
    public void awaitCaughtUp(Duration timeout) {
        await().atMost(timeout).until(() -> committed().equals(endOffsets()));
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
