package io.herald.engine.inspect;

import io.herald.engine.KafkaAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

/**
 * The dispatcher group's lag per partition, from its committed offsets and the partitions' end offsets, read
 * with the admin client (the group is only described, never joined).
 *
 * @param state   the group's state ({@code Stable}, {@code Empty} when no dispatcher runs, ...)
 * @param members dispatcher consumers in the group now
 * @param total   the sum of the partitions' lag
 */
public record GroupLag(String group, String topic, String state, int members, List<PartitionLag> partitions, long total) {

    public static GroupLag read(KafkaAccess kafka, String group) {
        List<Integer> all = IntStream.range(0, kafka.partitionCount(kafka.topic())).boxed().toList();
        Map<Integer, Long> committed = kafka.committed(group);
        Map<Integer, Long> end = kafka.endOffsets(kafka.topic(), all);
        Map<Integer, Long> begin = kafka.beginningOffsets(kafka.topic(), all);
        ConsumerGroupDescription description = kafka.get(kafka.admin().describeConsumerGroups(List.of(group))
                .describedGroups().get(group), "describe group " + group);
        List<PartitionLag> partitions = new ArrayList<>();
        long total = 0;
        for (int p : all) {
            Long offset = committed.get(p);
            long lag = Math.max(0, end.get(p) - (offset == null ? begin.get(p) : offset));
            partitions.add(new PartitionLag(p, offset, end.get(p), lag));
            total += lag;
        }
        return new GroupLag(group, kafka.topic(), description.groupState().toString(), description.members().size(),
                List.copyOf(partitions), total);
    }
}
