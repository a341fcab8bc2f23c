package io.herald.dispatcher.support;

import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.DispatcherApplication;
import io.herald.dispatcher.metrics.DispatcherMetrics;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import io.herald.testkit.kafka.GroupOffsets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The dispatcher application started as {@code main} starts it, on a test topic of a real broker and a real
 * redis-server, with the clients a test needs to feed it and look at the result.
 */
public final class RunningDispatcher implements AutoCloseable {

    public static final int PARTITIONS = 3;

    public final String topic;
    public final String groupId;
    private final String[] args;
    private ConfigurableApplicationContext app;
    public final KafkaProducer<byte[], byte[]> producer;
    public final Admin admin;
    private final GroupOffsets offsets;
    public final RedisClient redisClient;
    public final StatefulRedisConnection<String, String> redis;

    /** On a Redis Cluster: the clients of the cluster; {@link #redisClient} and {@link #redis} are null. */
    public final RedisClusterClient clusterClient;
    private final StatefulRedisClusterConnection<String, String> cluster;

    private RunningDispatcher(String name, KafkaBroker kafka, RedisServer redisServer, String... extraArgs) {
        this(name, kafka, List.of("--spring.data.redis.url=" + redisServer.url()), redisServer, null, extraArgs);
    }

    private RunningDispatcher(String name, KafkaBroker kafka, List<String> redisArgs, RedisServer redisServer,
            RedisCluster redisCluster, String... extraArgs) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        this.topic = name + "." + suffix;
        this.groupId = name + "-group-" + suffix;
        kafka.createTopic(topic, PARTITIONS);
        // no spring.kafka.listener.concurrency: dispatcher.yml's default, one thread per partition, is under test
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--herald.kafka.topic=" + topic,
                "--herald.kafka.partitions=" + PARTITIONS,
                "--herald.dispatcher.group-id=" + groupId,
                "--herald.dispatcher.backoff.initial=50ms",
                "--herald.dispatcher.backoff.max=500ms",
                "--herald.dispatcher.redis-timeout=2s",
                "--spring.kafka.listener.poll-timeout=200ms"));
        args.addAll(redisArgs);
        args.addAll(List.of(extraArgs));
        this.args = args.toArray(String[]::new);
        this.app = DispatcherApplication.builder().run(this.args);

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        this.offsets = new GroupOffsets(admin, topic, PARTITIONS, groupId);
        if (redisCluster == null) {
            this.redisClient = RedisClient.create(redisServer.url());
            this.redis = redisClient.connect();
            this.clusterClient = null;
            this.cluster = null;
        } else {
            this.redisClient = null;
            this.redis = null;
            this.clusterClient = RedisClusterClient.create(redisCluster.uris());
            this.clusterClient.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(
                    ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                            .enablePeriodicRefresh(Duration.ofSeconds(1)).build()).build());
            this.cluster = clusterClient.connect();
        }
    }

    /** The dispatcher on a Redis Cluster ({@code spring.data.redis.cluster.nodes}). */
    public static RunningDispatcher startOnCluster(String name, KafkaBroker kafka, RedisCluster cluster, String... extraArgs) {
        return new RunningDispatcher(name, kafka, cluster.springArgs(), null, cluster, extraArgs);
    }

    /** Reads the Redis the dispatcher writes to, one primary or a cluster (routed by slot). */
    public RedisClusterCommands<String, String> reader() {
        return cluster != null ? cluster.sync() : redis.sync();
    }

    public static RunningDispatcher start(String name, KafkaBroker kafka, RedisServer redis, String... extraArgs) {
        return new RunningDispatcher(name, kafka, redis, extraArgs);
    }

    /** A valid envelope in canonical form. */
    public static String envelope(String id, String channel, int n) {
        return "{\"id\":\"" + id + "\",\"channel\":\"" + channel + "\",\"type\":\"test.event\",\"data\":{\"n\":" + n
                + "},\"createdAt\":1764300000000,\"expiresAt\":null}";
    }

    public RecordMetadata send(String key, String value) {
        return send(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public RecordMetadata send(byte[] key, byte[] value) {
        return sendAll(List.of(new ProducerRecord<>(topic, key, value))).get(0);
    }

    /** Sends all, then waits for every acknowledgement. */
    public List<RecordMetadata> sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> sends = records.stream().map(producer::send).toList();
        producer.flush();
        return sends.stream().map(RunningDispatcher::get).toList();
    }

    public static ProducerRecord<byte[], byte[]> record(String topic, String channel, String value) {
        return new ProducerRecord<>(topic, channel.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    public List<StreamMessage<String, String>> log(String channel) {
        return reader().xrange(RedisKeys.log(ChannelName.parse(channel)), Range.create("-", "+"));
    }

    public Map<String, String> meta(String channel) {
        return reader().hgetall(RedisKeys.meta(ChannelName.parse(channel)));
    }

    /** The group's committed offset of every partition of the topic (0 where nothing was committed). */
    public Map<TopicPartition, Long> committed() {
        return offsets.committed();
    }

    /** The end offset of every partition of the topic. */
    public Map<TopicPartition, Long> endOffsets() {
        return offsets.endOffsets();
    }

    /** Waits until the group has committed everything on the topic. */
    public void awaitCaughtUp() {
        awaitCaughtUp(Duration.ofSeconds(20));
    }

    public void awaitCaughtUp(Duration atMost) {
        offsets.awaitCaughtUp(atMost);
    }

    public double records(String outcome) {
        return app.getBean(MeterRegistry.class).get(DispatcherMetrics.RECORDS).tag("outcome", outcome).counter().count();
    }

    /** Records whose apply latency was recorded ({@link DispatcherMetrics#APPLY_LATENCY}). */
    public long applyLatencyCount() {
        return app.getBean(MeterRegistry.class).get(DispatcherMetrics.APPLY_LATENCY).timer().count();
    }

    public double redisAvailableGauge() {
        return app.getBean(MeterRegistry.class).get(DispatcherMetrics.REDIS_AVAILABLE).gauge().value();
    }

    /** A bean of the running application. */
    public <T> T bean(Class<T> type) {
        return app.getBean(type);
    }

    /** The counter of a meter with one tag, 0 when it was never registered. */
    public double counter(String name, String tag, String value) {
        var counter = app.getBean(MeterRegistry.class).find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    public MessageListenerContainer container() {
        return app.getBean("notificationsListenerContainer", MessageListenerContainer.class);
    }

    /** Stops the listener, rewinds the group to the start of every partition, starts the listener again. */
    public void replayFromEarliest() {
        container().stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> members().isEmpty());
        commit(offsets.partitions().stream().collect(Collectors.toMap(partition -> partition, partition -> 0L)));
        container().start();
    }

    /** Closes the application, as a deploy would stop it, and waits until its consumers have left the group. */
    public void stopApplication() {
        app.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> members().isEmpty());
    }

    /** Starts the application again, on the same topic, consumer group and settings. */
    public void startApplication() {
        app = DispatcherApplication.builder().run(args);
    }

    /**
     * Another dispatcher instance in the same group, on the same topic and settings: its consumers joining makes the
     * group rebalance. The caller closes it.
     */
    public ConfigurableApplicationContext startPeer() {
        return DispatcherApplication.builder().run(args);
    }

    /** The group's members as the broker sees them, one per listener consumer of every instance. */
    public Collection<MemberDescription> members() {
        return get(admin.describeConsumerGroups(List.of(groupId)).all()).get(groupId).members();
    }

    /** Sets the group's committed offsets (the application must be stopped). */
    public void commit(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        offsets.forEach((partition, offset) -> commits.put(partition, new OffsetAndMetadata(offset)));
        get(admin.alterConsumerGroupOffsets(groupId, commits).all());
    }

    public int port() {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    /** Health and metrics ({@code management.server.port}, random here). */
    public int managementPort() {
        return Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
    }

    static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        app.close();
        producer.close();
        admin.close();
        if (cluster != null) {
            cluster.close();
            clusterClient.shutdown();
        } else {
            redis.close();
            redisClient.shutdown();
        }
    }
}
