package io.herald.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.kafka.Topics;
import io.herald.e2e.support.Ingest;
import io.herald.e2e.support.SharedSystem;
import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DESIGN.md's fault table, row by row, on real processes under a steady load: each scenario fails on a single
 * lost, duplicated or reordered notification, and on any reset while Kafka still holds what a client missed.
 * One system serves every scenario, the run's default one that other classes share ({@link SharedSystem}): each
 * scenario repairs what it broke.
 */
@ExtendWith(SharedSystem.class)
@Order(SharedSystem.ORDER)
class FaultsIT {

    private static HeraldSystem system;

    @BeforeAll
    static void start(HeraldSystem shared) {
        system = shared;
    }

    @Test
    void dispatcherKilledMidBatchThenRestarted() {
        Scenario.Result result = new Scenario(system, "dispatcher-kill").run(
                () -> system.dispatcher().kill(),
                () -> system.dispatcher().start());
        assertClean(result);
    }

    @Test
    void redisKilledAndRestartedEmpty() {
        List<String> acceptedWhileDown = new ArrayList<>();
        Scenario.Result result = new Scenario(system, "redis-restart").withReadersFromStart().run(
                () -> {
                    system.redis().kill();
                    // a notification without an idempotency key needs nothing from Redis: Kafka takes it
                    acceptedWhileDown.add(new Ingest(system.ingestUri()).post("user:redis-down-probe", 0));
                },
                () -> system.redis().restart());
        assertClean(result);
        assertThat(acceptedWhileDown).as("ingest keeps accepting into Kafka while Redis is down").hasSize(1);
    }

    /**
     * Redis fails over to a replica that stopped receiving a few seconds earlier (asynchronous replication allows
     * it), behind the same address: the notifications applied to the old primary meanwhile are committed in Kafka
     * and missing from the new primary. Clients live during the fault, and clients that ask for everything from
     * 0-0 afterwards, must all get every notification.
     */
    @Test
    void redisFailsOverToAStaleReplicaBehindTheSameAddress() {
        RedisServer primary = system.redis();
        try (RedisServer replica = RedisServer.start()) {
            Scenario.Result result = new Scenario(system, "stale-failover").withReadersFromStart().run(
                    () -> {
                        follow(replica, primary);
                        detach(replica); // from here on, what the primary applies never reaches the replica
                    },
                    () -> {
                        primary.restart();
                        follow(primary, replica);
                        detach(primary);
                    });
            assertClean(result);
        }
    }

    private static void follow(RedisServer follower, RedisServer leader) {
        try (RedisClient client = RedisClient.create(follower.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().replicaof("127.0.0.1", leader.port());
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String info = c.sync().info("replication");
                return info.contains("master_link_status:up") && info.contains("master_sync_in_progress:0");
            });
        }
    }

    private static void detach(RedisServer server) {
        try (RedisClient client = RedisClient.create(server.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().replicaofNoOne();
        }
    }

    @Test
    void edgeKilledItsClientsResumeOnTheOtherEdge() {
        Scenario.Result result = new Scenario(system, "edge-kill").run(
                () -> system.edge(0).kill(),
                () -> system.edge(0).start());
        assertClean(result);
        assertThat(result.reconnects()).as("the killed edge's clients reconnected").isGreaterThanOrEqualTo(4);
    }

    @Test
    void kafkaBrokerKilledAndRestartedOnItsLogDirectory() {
        Scenario.Result result = new Scenario(system, "kafka-restart").run(
                () -> system.kafka().kill(),
                () -> system.kafka().restart());
        assertClean(result);
    }

    @Test
    void malformedAndOversizedRecordsGoToTheDeadLetterTopicAndTheRestFlows() {
        String marker = "dlt-" + UUID.randomUUID();
        Scenario.Result result = new Scenario(system, "dead-letters").run(
                () -> produceRaw(List.of("not json " + marker,
                        "{\"channel\":\"user:dead-letters-0\",\"type\":\"big\",\"data\":{\"pad\":\"" + "x".repeat(70_000)
                                + "\"},\"id\":\"" + marker + "\"}")),
                () -> { });
        assertClean(result);
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            dead.clear();
            dead.addAll(deadLetters(marker));
            return dead.size() == 2;
        });
        assertThat(dead).extracting(r -> header(r, Topics.DLT_REASON)).containsExactlyInAnyOrder("malformed-json", "too-large");
    }

    private static void assertClean(Scenario.Result result) {
        assertThat(result.faulty()).as("audits with a lost, duplicated or reordered notification or a reset").isEmpty();
        assertThat(result.delivered()).isEqualTo(result.expected());
    }

    private static void produceRaw(List<String> values) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (String value : values) {
                producer.send(new ProducerRecord<>("herald.notifications", "user:dead-letters-0".getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(String marker) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafka().bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "faults-it-" + UUID.randomUUID());
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.deadLetters("herald.notifications")));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (new String(record.value(), StandardCharsets.UTF_8).contains(marker)) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

}
