package io.herald.e2e.faults;

import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.kafka.ChannelPartitioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * The dispatchers' consumer group as the broker sees it: which dispatcher (by the index in its static membership
 * ID, {@code herald-dispatcher-<index + 1>}) holds which partition. The fault scenarios wait on it for partitions
 * to move, rather than for a fixed time.
 */
final class DispatcherGroup implements AutoCloseable {

    private static final Pattern INSTANCE = Pattern.compile("^herald-dispatcher-(\\d+)");
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final Admin admin;
    private final String groupId;
    private final String topic;
    private final int partitions;

    DispatcherGroup(String bootstrapServers, String groupId, String topic, int partitions) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        this.admin = Admin.create(props);
        this.groupId = groupId;
        this.topic = topic;
        this.partitions = partitions;
    }

    /** The partition a channel's records go to: Kafka's default partitioner on the channel name (the key). */
    int partitionOf(String channel) {
        return partitionOf(channel, partitions);
    }

    /** The partition a channel's records go to in a topic of {@code partitions} partitions. */
    static int partitionOf(String channel, int partitions) {
        return ChannelPartitioner.partitionOf(ChannelName.parse(channel), partitions);
    }

    /** Partition to the index of the dispatcher holding it, for the partitions that are held now. */
    Map<Integer, Integer> owners() {
        Map<Integer, Integer> owners = new TreeMap<>();
        for (MemberDescription member : describe().members()) {
            int dispatcher = dispatcherOf(member);
            for (TopicPartition partition : member.assignment().topicPartitions()) {
                if (partition.topic().equals(topic)) {
                    owners.put(partition.partition(), dispatcher);
                }
            }
        }
        return owners;
    }

    /** The dispatcher holding {@code channel}'s partition now. */
    int ownerOf(String channel) {
        Integer owner = owners().get(partitionOf(channel));
        if (owner == null) {
            throw new IllegalStateException("partition " + partitionOf(channel) + " of " + channel + " is not held");
        }
        return owner;
    }

    /**
     * Waits until the group is stable with exactly {@code dispatchers} as members (a dispatcher that died or froze
     * stays a member until its session times out) and every partition is held, each of those dispatchers holding
     * at least one when there are enough partitions.
     */
    void awaitHeldBy(Set<Integer> dispatchers) {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .alias("partitions held by dispatchers " + dispatchers)
                .until(() -> heldBy(dispatchers));
    }

    private boolean heldBy(Set<Integer> dispatchers) {
        ConsumerGroupDescription group = describe();
        if (group.groupState() != GroupState.STABLE) {
            return false;
        }
        Set<Integer> members = new TreeSet<>();
        Set<Integer> holders = new TreeSet<>();
        Set<Integer> held = new TreeSet<>();
        for (MemberDescription member : group.members()) {
            int dispatcher = dispatcherOf(member);
            members.add(dispatcher);
            for (TopicPartition partition : member.assignment().topicPartitions()) {
                if (partition.topic().equals(topic)) {
                    held.add(partition.partition());
                    holders.add(dispatcher);
                }
            }
        }
        return members.equals(dispatchers) && held.size() == partitions
                && (holders.equals(dispatchers) || dispatchers.size() > partitions);
    }

    private ConsumerGroupDescription describe() {
        try {
            return admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe consumer group " + groupId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int dispatcherOf(MemberDescription member) {
        String instance = member.groupInstanceId().orElseThrow(() -> new IllegalStateException(
                "dispatcher without a static membership ID: " + member.consumerId()));
        Matcher matcher = INSTANCE.matcher(instance);
        if (!matcher.find()) {
            throw new IllegalStateException("not a dispatcher's membership ID: " + instance);
        }
        return Integer.parseInt(matcher.group(1)) - 1;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
