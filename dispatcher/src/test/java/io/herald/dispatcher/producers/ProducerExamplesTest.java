package io.herald.dispatcher.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.move.RecordMover;
import io.herald.dispatcher.support.PartitionReader;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.StreamMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The producer examples of docs/producers.md ({@code producer-examples/}), each run as written against a real
 * broker and the real dispatcher: the notification must reach the channel's Redis log, at a position on the
 * channel's home partition. A record a producer put elsewhere (librdkafka's default partitioner) must be moved
 * there by the dispatcher, then applied. An example whose tool is not installed is skipped, saying what is missing.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProducerExamplesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Maven runs the tests in the module's directory. */
    private static final Path EXAMPLES = Path.of("..", "producer-examples").toAbsolutePath().normalize();

    private RunningDispatcher dispatcher;
    private KafkaBroker broker;

    @BeforeAll
    void start(KafkaBroker broker, RedisServer redis) {
        this.broker = broker;
        dispatcher = RunningDispatcher.start("producer-examples", broker, redis);
    }

    @AfterAll
    void stop() {
        dispatcher.close();
    }

    @Test
    void kcatWithTheDocumentedSettingsWritesToTheChannelsPartition() throws Exception {
        assumeTrue(onPath("kcat"), "kcat is not installed (Debian: apt-get install kcat; .ci/run installs it)");
        String channel = channelWhereLibrdkafkaDefaultDiffers("kcat");
        String envelope = "{\"id\":\"kcat-" + UUID.randomUUID() + "\",\"channel\":\"" + channel
                + "\",\"type\":\"order.shipped\",\"data\":{\"order\":\"A-1\"}}";

        run(List.of(EXAMPLES.resolve("kcat/publish.sh").toString(), broker.bootstrapServers(), dispatcher.topic, channel,
                envelope));

        Delivered delivered = awaitDelivered(channel);
        assertThat(delivered.original().partition()).as("murmur2_random is Java's partitioner").isEqualTo(home(channel));
        assertThat(delivered.copy()).as("nothing to move").isNull();
        assertThat(delivered.position()).isEqualTo(delivered.original().offset() + "-1");
        assertThat(delivered.envelope().path("id").asString()).startsWith("kcat-");
    }

    @Test
    void kcatWithLibrdkafkasDefaultPartitionerIsMovedToTheChannelsPartitionAndApplied() throws Exception {
        assumeTrue(onPath("kcat"), "kcat is not installed (Debian: apt-get install kcat; .ci/run installs it)");
        String channel = channelWhereLibrdkafkaDefaultDiffers("kcat-default");
        // the envelope a shell script would write: no id, no createdAt
        String envelope = "{\"channel\":\"" + channel + "\",\"type\":\"order.shipped\",\"data\":{\"order\":\"A-2\"}}";

        run(List.of("sh", "-c", "printf '%s\\t%s\\n' \"$3\" \"$4\" | kcat -P -b \"$1\" -t \"$2\" -K '\t'", "kcat",
                broker.bootstrapServers(), dispatcher.topic, channel, envelope));

        Delivered delivered = awaitDelivered(channel);
        assertThat(delivered.original().partition()).as("librdkafka's consistent_random: CRC32 of the key")
                .isEqualTo(crc32Partition(channel)).isNotEqualTo(home(channel));
        assertThat(delivered.copy()).as("moved to the channel's home partition").isNotNull();
        assertThat(delivered.copy().partition()).isEqualTo(home(channel));
        assertThat(delivered.position()).isEqualTo(delivered.copy().offset() + "-1");
        assertThat(delivered.envelope().path("id").asString()).as("derived from where kcat put it")
                .isEqualTo("k-" + dispatcher.topic + "-" + delivered.original().partition() + "-" + delivered.original().offset());
    }

    @Test
    void pythonConfluentKafkaWithTheDocumentedSettingsWritesToTheChannelsPartition() throws Exception {
        String python = pythonWithConfluentKafka();
        assumeTrue(python != null, "no python3 with confluent_kafka (Debian: apt-get install python3-confluent-kafka)");
        String channel = channelWhereLibrdkafkaDefaultDiffers("python");

        JsonNode printed = JSON.readTree(run(List.of(python, EXAMPLES.resolve("python/publish.py").toString(),
                broker.bootstrapServers(), dispatcher.topic, channel, "order.shipped", "{\"order\":\"A-3\"}")));

        assertPrintedRecordIsTheNotification(channel, printed);
    }

    @Test
    void nodeKafkajsWithTheDocumentedSettingsWritesToTheChannelsPartition() throws Exception {
        Path node = EXAMPLES.resolve("node");
        assumeTrue(onPath("node"), "node is not installed");
        assumeTrue(Files.isDirectory(node.resolve("node_modules/kafkajs")),
                "kafkajs is not installed: run 'npm ci' in producer-examples/node (.ci/run does)");
        String channel = channelWhereLibrdkafkaDefaultDiffers("node");

        JsonNode printed = JSON.readTree(run(List.of("node", node.resolve("publish.mjs").toString(),
                broker.bootstrapServers(), dispatcher.topic, channel, "order.shipped", "{\"order\":\"A-4\"}")));

        assertPrintedRecordIsTheNotification(channel, printed);
    }

    @Test
    void javaKafkaProducerWithItsDefaultPartitionerWritesToTheChannelsPartition() throws Exception {
        String channel = channelWhereLibrdkafkaDefaultDiffers("java");
        // as in docs/producers.md
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        String id = UUID.randomUUID().toString();
        String envelope = "{\"id\":\"" + id + "\",\"channel\":\"" + channel + "\",\"type\":\"order.shipped\","
                + "\"data\":{\"order\":\"A-5\"},\"createdAt\":" + System.currentTimeMillis() + ",\"expiresAt\":null}";
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            sent = producer.send(new ProducerRecord<>(dispatcher.topic, channel, envelope)).get(30, TimeUnit.SECONDS);
        }

        assertPrintedRecordIsTheNotification(channel, JSON.readTree(
                "{\"id\":\"" + id + "\",\"partition\":" + sent.partition() + ",\"offset\":" + sent.offset() + "}"));
    }

    /** What an example printed (id, partition, offset) is where the dispatcher applied it, with nothing moved. */
    private void assertPrintedRecordIsTheNotification(String channel, JsonNode printed) {
        assertThat(printed.path("partition").asInt()).as("the channel's home partition").isEqualTo(home(channel));
        Delivered delivered = awaitDelivered(channel);
        assertThat(delivered.copy()).as("nothing to move").isNull();
        assertThat(delivered.original().offset()).isEqualTo(printed.path("offset").asLong());
        assertThat(delivered.position()).isEqualTo(printed.path("offset").asLong() + "-1");
        assertThat(delivered.envelope().path("id").asString()).isEqualTo(printed.path("id").asString());
        assertThat(delivered.envelope().path("channel").asString()).isEqualTo(channel);
    }

    /**
     * @param original the record the example produced
     * @param copy     the dispatcher's moved copy of it, or null
     * @param position the channel's only log entry
     * @param envelope that entry's envelope
     */
    private record Delivered(ConsumerRecord<byte[], byte[]> original, ConsumerRecord<byte[], byte[]> copy,
            String position, JsonNode envelope) {
    }

    private Delivered awaitDelivered(String channel) {
        await().atMost(WAIT).until(() -> !dispatcher.log(channel).isEmpty());
        dispatcher.awaitCaughtUp();
        List<StreamMessage<String, String>> log = dispatcher.log(channel);
        assertThat(log).as("one notification").hasSize(1);
        List<ConsumerRecord<byte[], byte[]>> originals = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> copies = new ArrayList<>();
        for (int p = 0; p < RunningDispatcher.PARTITIONS; p++) {
            for (ConsumerRecord<byte[], byte[]> record : PartitionReader.readAll(broker.bootstrapServers(), dispatcher.topic, p)) {
                if (new String(record.key(), StandardCharsets.UTF_8).equals(channel)) {
                    (record.headers().lastHeader(RecordMover.MOVED_FROM_PARTITION) == null ? originals : copies).add(record);
                }
            }
        }
        assertThat(originals).as("the example wrote one record").hasSize(1);
        assertThat(copies).as("moved at most once").hasSizeLessThanOrEqualTo(1);
        return new Delivered(originals.get(0), copies.isEmpty() ? null : copies.get(0), log.get(0).getId(),
                JSON.readTree(log.get(0).getBody().get(RedisKeys.FIELD_ENVELOPE)));
    }

    private static int home(String channel) {
        return ChannelPartitioner.partitionOf(ChannelName.parse(channel), RunningDispatcher.PARTITIONS);
    }

    /** librdkafka's consistent_random partitioner: CRC32 of the key, modulo the partition count. */
    private static int crc32Partition(String channel) {
        CRC32 crc = new CRC32();
        crc.update(channel.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % RunningDispatcher.PARTITIONS);
    }

    /** A channel that librdkafka's default would put elsewhere, so each example shows its setting matters. */
    private static String channelWhereLibrdkafkaDefaultDiffers(String prefix) {
        while (true) {
            String channel = "user:" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            if (crc32Partition(channel) != home(channel)) {
                return channel;
            }
        }
    }

    /** Runs a command to completion; returns its standard output, failing with all of its output otherwise. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        boolean done = process.waitFor(60, TimeUnit.SECONDS);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            process.destroyForcibly();
        }
        assertThat(done && process.exitValue() == 0).as("%s exited %s%nstdout: %s%nstderr: %s", command,
                done ? process.exitValue() : "(timed out)", out, err).isTrue();
        return out.trim();
    }

    private static boolean onPath(String program) {
        try {
            Process process = new ProcessBuilder("sh", "-c", "command -v " + program).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Debian's python3-confluent-kafka is for the system's python3, which may not be the first on the PATH. */
    private static String pythonWithConfluentKafka() throws InterruptedException {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process process = new ProcessBuilder(python, "-c", "import confluent_kafka").start();
                if (process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // not there: try the next
            }
        }
        return null;
    }
}
