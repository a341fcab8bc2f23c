package io.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.testkit.kafka.TopicRecords;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The library on its own, without Spring, against a real broker. */
@WithKafka
class NotificationPublisherTest {

    private static final String TOPIC = "publisher-it.notifications";

    static KafkaBroker kafka;
    static NotificationPublisher publisher;

    @BeforeAll
    static void start(KafkaBroker broker) {
        kafka = broker;
        kafka.createTopic(TOPIC, 3);
        publisher = NotificationPublisher.create(PublisherSettings.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topic(TOPIC)
                .limits(new EnvelopeLimits(1024))
                .closeTimeout(Duration.ofSeconds(5))
                .build());
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void publishesTheRecordFormatAndReportsItsPosition() {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("order", "A-1").put("émoji", "📦");
        Envelope first = publisher.builder().id("lib-1").channel("user:42").type("order.shipped").data(data)
                .createdAt(Instant.ofEpochMilli(1_764_300_000_000L)).build();
        Envelope second = publisher.builder().channel("user:42").type("order.delivered").build();

        Published one = publisher.publish(first).join();
        Published two = publisher.publish(second).join();

        assertThat(one.id()).isEqualTo("lib-1");
        assertThat(two.id()).as("generated id").isNotBlank();
        assertThat(two.partition()).as("same channel, same partition").isEqualTo(one.partition());
        assertThat(two.position()).isGreaterThan(one.position());

        List<ConsumerRecord<byte[], byte[]>> records = TopicRecords.readAll(kafka.bootstrapServers(), TOPIC).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("user:42"))
                .toList();
        assertThat(records).hasSize(2);
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertThat(record.partition()).isEqualTo(one.partition());
        assertThat(one.position().toString()).isEqualTo(record.offset() + "-1");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"id\":\"lib-1\",\"channel\":\"user:42\",\"type\":\"order.shipped\","
                        + "\"data\":{\"order\":\"A-1\",\"émoji\":\"📦\"},\"createdAt\":1764300000000,\"expiresAt\":null}");
        assertThat(publisher.codec().decode(records.get(1).value(), null)).isEqualTo(second);
    }

    /**
     * The topic grew 3 -> 6 as {@code heraldctl topic grow} grows it: a channel the growth moved is written to a new
     * partition, whose positions start at the generation's base, above every position the channel had before.
     */
    @Test
    void aPositionInAPartitionAGrowthCreatedCarriesTheBaseOfItsGeneration() throws Exception {
        String topic = "publisher-grown.notifications";
        kafka.createTopic(topic, 3);
        Map<String, Object> client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        Duration timeout = Duration.ofSeconds(10);
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(LayoutTopic.of(topic), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            TopicLayout grown = LayoutTopic.read(client, topic, timeout).grow(6, 0);
            LayoutTopic.write(client, grown, timeout);
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(6))).all().get();
            LayoutTopic.write(client, grown.seal(Map.of(0, 0L, 1, 0L, 2, 0L)), timeout);
        }
        ChannelName moved = channel(partition -> partition >= 3);
        ChannelName stays = channel(partition -> partition < 3);

        Published inNewPartition;
        Published inOldPartition;
        try (NotificationPublisher grownPublisher = NotificationPublisher.create(PublisherSettings.builder()
                .bootstrapServers(kafka.bootstrapServers()).topic(topic).closeTimeout(Duration.ofSeconds(5)).build())) {
            inNewPartition = grownPublisher.publish(grownPublisher.builder().channel(moved.value()).type("t").build())
                    .join();
            inOldPartition = grownPublisher.publish(grownPublisher.builder().channel(stays.value()).type("t").build())
                    .join();
        }

        assertThat(inNewPartition.partition()).isEqualTo(ChannelPartitioner.partitionOf(moved, 6));
        assertThat(inNewPartition.position())
                .isEqualTo(Position.ofOffset(TopicLayout.SPAN + offsetOf(topic, moved.value())));
        assertThat(inOldPartition.partition()).isEqualTo(ChannelPartitioner.partitionOf(stays, 3));
        assertThat(inOldPartition.position()).as("a partition of generation 0: positions are offsets, as before")
                .isEqualTo(Position.ofOffset(offsetOf(topic, stays.value())));
    }

    private static ChannelName channel(IntPredicate partitionAfterGrowth) {
        return IntStream.range(0, 10_000).mapToObj(i -> ChannelName.parse("user:grown-" + i))
                .filter(channel -> partitionAfterGrowth.test(ChannelPartitioner.partitionOf(channel, 6)))
                .findFirst().orElseThrow();
    }

    private static long offsetOf(String topic, String key) {
        return TopicRecords.readAll(kafka.bootstrapServers(), topic).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(key))
                .findFirst().orElseThrow().offset();
    }

    @Test
    void refusesAnInvalidEnvelopeBeforeSendingAnything() {
        ObjectNode big = JsonNodeFactory.instance.objectNode().put("text", "x".repeat(2000));
        Envelope tooBig = new Envelope("lib-big", ChannelName.parse("user:too-big"),
                "t", big, 1L, null);

        assertThatThrownBy(() -> publisher.publish(tooBig))
                .isInstanceOfSatisfying(InvalidEnvelopeException.class,
                        e -> assertThat(e.field()).isEqualTo("/data"));
        assertThatThrownBy(() -> publisher.builder().channel("No Namespace").type("t").build())
                .isInstanceOfSatisfying(InvalidEnvelopeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidEnvelopeException.Reason.INVALID_CHANNEL));

        assertThat(TopicRecords.readAll(kafka.bootstrapServers(), TOPIC))
                .noneMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals("user:too-big"));
    }

    @Test
    void aClosedPublisherFailsTheFutureInsteadOfThrowing() {
        NotificationPublisher closed = NotificationPublisher.create(PublisherSettings.builder()
                .bootstrapServers(kafka.bootstrapServers()).topic(TOPIC).build());
        closed.close();

        CompletableFuture<Published> result = closed.publish(closed.builder().channel("user:1").type("t").build());

        assertThat(result).isCompletedExceptionally();
    }
}
