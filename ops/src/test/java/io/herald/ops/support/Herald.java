package io.herald.ops.support;

import io.herald.core.channel.ChannelName;
import io.herald.core.kafka.Topics;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.DispatcherApplication;
import io.herald.edge.EdgeApplication;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import io.herald.testkit.kafka.GroupOffsets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * A whole Herald in this JVM for heraldctl's tests: the dispatcher and one edge, started as their {@code main}s
 * start them, on a real broker (a topic of its own) and a real redis-server or Redis Cluster; plus a producer, an
 * admin client and a Redis connection to feed them and look at the result.
 */
public final class Herald implements AutoCloseable {

    public static final int PARTITIONS = 3;
    public static final String ADMIN_TOKEN = "test-admin-token";
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);
    /**
     * This test classpath has both the dispatcher's Tomcat and the edge's Jetty, whose management-port
     * configurations define the same bean; each shipped jar has only one of them.
     */
    private static final String ONE_MANAGEMENT_SERVER = "--spring.autoconfigure.exclude="
            + "org.springframework.boot.tomcat.autoconfigure.actuate.web.server.TomcatServletManagementContextAutoConfiguration";

    public final String topic;
    public final String group;
    public final KafkaBroker kafka;
    /** The one redis-server, or null on a Redis Cluster. */
    public final RedisServer redisServer;
    /** The Redis Cluster, or null on one redis-server. */
    public final RedisCluster redisCluster;
    public final ConfigurableApplicationContext dispatcher;
    public final ConfigurableApplicationContext edge;
    public final KafkaProducer<byte[], byte[]> producer;
    public final Admin admin;
    private final GroupOffsets offsets;
    /** On one redis-server (null on a Redis Cluster: see {@link #reader()}). */
    public final RedisClient redisClient;
    public final StatefulRedisConnection<String, String> redis;
    private final RedisClusterClient clusterClient;
    private final StatefulRedisClusterConnection<String, String> cluster;

    private Herald(String name, KafkaBroker kafka, RedisServer redisServer, RedisCluster redisCluster) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        this.topic = name + "." + suffix;
        this.group = name + "-group-" + suffix;
        this.kafka = kafka;
        this.redisServer = redisServer;
        this.redisCluster = redisCluster;
        List<String> redisArgs = redisCluster != null ? redisCluster.springArgs()
                : List.of("--spring.data.redis.url=" + redisServer.url());
        kafka.createTopic(topic, PARTITIONS);
        kafka.createTopic(Topics.deadLetters(topic), PARTITIONS);
        this.dispatcher = DispatcherApplication.builder().run(args(redisArgs,
                "--server.port=0",
                "--management.server.port=0",
                ONE_MANAGEMENT_SERVER,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--herald.kafka.topic=" + topic,
                "--herald.kafka.partitions=" + PARTITIONS,
                "--herald.dispatcher.group-id=" + group,
                "--herald.dispatcher.backoff.initial=50ms",
                "--herald.dispatcher.backoff.max=500ms",
                "--herald.dispatcher.admin.token=" + ADMIN_TOKEN,
                "--herald.dispatcher.lag.refresh=300ms",
                "--spring.kafka.listener.poll-timeout=200ms"));
        this.edge = new SpringApplicationBuilder(EdgeApplication.class).properties("spring.config.name=edge").run(args(redisArgs,
                "--server.port=0",
                "--management.server.port=0",
                ONE_MANAGEMENT_SERVER,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--herald.kafka.topic=" + topic,
                "--herald.edge.drain.period=100ms",
                "--herald.edge.auth.hs256-secret=" + TestTokens.SECRET,
                "--herald.edge.health.canary.interval=200ms",
                "--herald.edge.outbound.max-bytes=65536"));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        this.offsets = new GroupOffsets(admin, topic, PARTITIONS, group);
        if (redisCluster == null) {
            this.redisClient = RedisClient.create(redisServer.url());
            this.redis = redisClient.connect();
            this.clusterClient = null;
            this.cluster = null;
        } else {
            this.redisClient = null;
            this.redis = null;
            this.clusterClient = RedisClusterClient.create(redisCluster.uris());
            this.cluster = clusterClient.connect();
        }
    }

    public static Herald start(String name, KafkaBroker kafka, RedisServer redis) {
        return new Herald(name, kafka, redis, null);
    }

    /** Herald on a Redis Cluster ({@code spring.data.redis.cluster.nodes}). */
    public static Herald startOnCluster(String name, KafkaBroker kafka, RedisCluster cluster) {
        return new Herald(name, kafka, null, cluster);
    }

    private static String[] args(List<String> redisArgs, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(redisArgs);
        return all.toArray(String[]::new);
    }

    /** Reads the Redis Herald writes to, one server or a cluster (routed by slot). */
    public RedisClusterCommands<String, String> reader() {
        return cluster != null ? cluster.sync() : redis.sync();
    }

    /** heraldctl pointed at this deployment. */
    public Cli cli() {
        return new Cli(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--redis-url", redisServer.url(),
                "--topic", topic, "--group", group, "--timeout", "10s"));
    }

    /** The dispatcher's admin API. */
    public String dispatcherUrl() {
        return "http://127.0.0.1:" + port(dispatcher);
    }

    /** The dispatcher's health and metrics. */
    public String dispatcherManagementUrl() {
        return "http://127.0.0.1:" + managementPort(dispatcher);
    }

    /** The edge's health and metrics. */
    public String edgeManagementUrl() {
        return "http://127.0.0.1:" + managementPort(edge);
    }

    /** The edge's WebSocket URL with a token for every {@code user:} and {@code topic:} channel. */
    public URI ws() {
        String token = TOKENS.token("heraldctl-tester", "user:*", "topic:*");
        return URI.create("ws://127.0.0.1:" + port(edge) + "/ws?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static int managementPort(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
    }

    /** A valid envelope in canonical form. */
    public static String envelope(String id, String channel, int n) {
        return "{\"id\":\"" + id + "\",\"channel\":\"" + channel + "\",\"type\":\"test.event\",\"data\":{\"n\":" + n
                + "},\"createdAt\":" + System.currentTimeMillis() + ",\"expiresAt\":null}";
    }

    /** Produces {@code count} notifications to the channel and waits for Kafka's acknowledgements. */
    public List<RecordMetadata> publish(String channel, int from, int count) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            records.add(record(channel, envelope(channel.replace(':', '-') + "-" + n + "-" + UUID.randomUUID(), channel, n)));
        }
        return send(records);
    }

    public ProducerRecord<byte[], byte[]> record(String key, String value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    public List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> sends = records.stream().map(producer::send).toList();
        producer.flush();
        return sends.stream().map(Herald::get).toList();
    }

    public List<StreamMessage<String, String>> log(String channel) {
        return reader().xrange(RedisKeys.log(ChannelName.parse(channel)), Range.create("-", "+"));
    }

    public Map<String, String> meta(String channel) {
        return reader().hgetall(RedisKeys.meta(ChannelName.parse(channel)));
    }

    public Map<TopicPartition, Long> committed() {
        return offsets.committed();
    }

    public Map<TopicPartition, Long> endOffsets() {
        return offsets.endOffsets();
    }

    /** Waits until the dispatcher group has committed everything on the topic. */
    public void awaitApplied() {
        offsets.awaitCaughtUp(Duration.ofSeconds(30));
    }

    public MessageListenerContainer dispatcherListener() {
        return dispatcher.getBean("notificationsListenerContainer", MessageListenerContainer.class);
    }

    public MeterRegistry edgeMeters() {
        return edge.getBean(MeterRegistry.class);
    }

    public double edgeCounter(String name, String... tags) {
        var search = edgeMeters().find(name).tags(tags);
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    public static <T> T get(Future<T> future) {
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
        edge.close();
        dispatcher.close();
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
