package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.ops.support.Cli;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * {@code heraldctl topic grow} and {@code topic layout} against a real broker: the partitions of both topics, the
 * compacted layout topic and its generations, a growth that stopped half way finished by running it again, and a
 * count that is not a larger multiple refused before anything changes.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicGrowIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private KafkaBroker kafka;
    private Admin admin;
    private Map<String, Object> client;

    @BeforeAll
    void start(KafkaBroker broker) {
        kafka = broker;
        client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        admin = Admin.create(client);
    }

    @AfterAll
    void stop() {
        admin.close();
    }

    @Test
    void growsBothTopicsWritesTheGrowthBeforeThePartitionsAndWaitsForTheDispatchersCuts() throws Exception {
        String topic = topic("grow-it");
        produce(topic, 40);

        CompletableFuture<Cli.Run> running = CompletableFuture.supplyAsync(() -> cli(topic)
                .run("topic", "grow", "--partitions", "6", "--grace", "1s", "--wait", "30s", "-o", "json"));
        // the growth is written before the partitions exist, and nothing is sealed until the old partitions are cut
        TopicLayout growing = await().atMost(TIMEOUT).until(() -> readIfGrown(topic), layout -> layout != null);
        assertThat(growing.sealed()).isFalse();
        await().atMost(TIMEOUT).until(() -> partitions(topic) == 6 && partitions(topic + ".DLT") == 6);
        assertThat(running).isNotDone();
        // what the dispatchers do once the grace period is over (dispatcher GrowthTest): cut each old partition
        Map<Integer, Long> cuts = ends(topic, 3);
        LayoutTopic.write(client, growing.seal(cuts), TIMEOUT);
        Cli.Run grown = running.get(30, TimeUnit.SECONDS);

        assertThat(grown.exitCode()).as(grown.toString()).isZero();
        assertThat(grown.err()).contains("created " + topic + ".layout", "added partitions: " + topic + " 3 -> 6",
                "added partitions: " + topic + ".DLT 3 -> 6", "(--grace); waiting for them until",
                "sealed generation 1");
        TopicDescription layoutTopic = describe(LayoutTopic.of(topic));
        assertThat(layoutTopic.partitions()).hasSize(1);
        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                LayoutTopic.of(topic)))).all().get().values().iterator().next();
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("min.insync.replicas").value()).isEqualTo(minInsyncReplicas(topic));

        JsonNode printed = grown.json();
        assertThat(printed.path("partitions").asInt()).isEqualTo(6);
        assertThat(printed.path("sealed").asBoolean()).isTrue();
        assertThat(printed.at("/generations/1/created").asString()).isEqualTo("3-5");
        assertThat(printed.at("/generations/1/base").asLong()).isEqualTo(TopicLayout.SPAN);
        assertThat(printed.at("/generations/1/cuts/0").asLong()).isEqualTo(cuts.get(0));

        Cli.Run shown = cli(topic).run("topic", "layout");
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out()).contains("topic " + topic + ": 6 partitions\n")
                .containsPattern("\\n1 +6 +3-5 +1000000000000000 +\\S+ +0:" + cuts.get(0) + " 1:" + cuts.get(1) + " 2:"
                        + cuts.get(2));
    }

    @Test
    void aGrowthNotSealedYetIsWaitedForByRunningItAgainAndNoOtherCountIsTakenMeanwhile() throws Exception {
        String topic = topic("resume-it");
        // stopped right after creating the layout topic: nothing grew yet
        admin.createTopics(List.of(new NewTopic(LayoutTopic.of(topic), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")))).all().get();
        assertThat(cli(topic).run("topic", "layout", "-o", "json").json().path("generations")).hasSize(1);
        // then right after writing the growth, before adding the partitions
        TopicLayout growing = TopicLayout.of(topic, 3).grow(6, System.currentTimeMillis());
        LayoutTopic.write(client, growing, TIMEOUT);
        Cli.Run unsealed = cli(topic).run("topic", "layout");
        assertThat(unsealed.out()).contains("6 partitions (the newest growth is not sealed");

        Cli.Run other = cli(topic).run("topic", "grow", "--partitions", "12");
        assertThat(other.exitCode()).as(other.toString()).isEqualTo(2);
        assertThat(other.err()).contains("not sealed yet", "--partitions 6");
        assertThat(partitions(topic)).isEqualTo(3);

        Cli.Run noDispatcher = cli(topic).run("topic", "grow", "--partitions", "6", "--wait", "1s");
        assertThat(noDispatcher.exitCode()).as(noDispatcher.toString()).isEqualTo(1);
        assertThat(noDispatcher.err()).contains("finishing the growth to 6 partitions", "is a dispatcher running",
                "run the same command again").doesNotContain("created ");
        assertThat(partitions(topic)).isEqualTo(6);
        assertThat(partitions(topic + ".DLT")).isEqualTo(6);

        LayoutTopic.write(client, growing.seal(Map.of(0, 0L, 1, 0L, 2, 0L)), TIMEOUT);
        Cli.Run resumed = cli(topic).run("topic", "grow", "--partitions", "6", "--wait", "10s");
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.err()).as("run again once the dispatchers cut: done").contains("already grew to 6 partitions");
        assertThat(LayoutTopic.read(client, topic, TIMEOUT).generations()).hasSize(2);
    }

    @Test
    void aCountThatIsNotALargerMultipleIsRefusedAndNothingChanges() throws Exception {
        String topic = topic("refused-it");

        for (String count : List.of("5", "3", "2")) {
            Cli.Run refused = cli(topic).run("topic", "grow", "--partitions", count, "--grace", "0s");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err()).contains("--partitions " + count + ": " + topic + " has 3 partitions and grows"
                    + " only to a larger multiple of them (6, 9, 12...)", "nothing was changed");
        }

        assertThat(partitions(topic)).isEqualTo(3);
        assertThat(partitions(topic + ".DLT")).isEqualTo(3);
        assertThat(admin.listTopics().names().get()).doesNotContain(LayoutTopic.of(topic));
    }

    /** The layout once a growth is written, else null. */
    private TopicLayout readIfGrown(String topic) {
        TopicLayout layout = LayoutTopic.read(client, topic, TIMEOUT);
        return layout.generations().size() > 1 ? layout : null;
    }

    private String topic(String name) {
        String topic = name + ".notifications";
        kafka.createTopic(topic, 3);
        kafka.createTopic(topic + ".DLT", 3);
        return topic;
    }

    private Cli cli(String topic) {
        return new Cli(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic));
    }

    /** Records on every partition of the three, by naming them. */
    private void produce(String topic, int count) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            IntStream.range(0, count).forEach(i -> producer.send(new ProducerRecord<>(topic, i % 3, "user:" + i, "{}")));
        }
    }

    private Map<Integer, Long> ends(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        IntStream.range(0, partitions).forEach(p -> request.put(new TopicPartition(topic, p), OffsetSpec.latest()));
        Map<Integer, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((partition, end) -> ends.put(partition.partition(), end.offset()));
        return ends;
    }

    private int partitions(String topic) throws Exception {
        return describe(topic).partitions().size();
    }

    private TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    private String minInsyncReplicas(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get("min.insync.replicas").value();
    }
}
