package io.herald.ingest.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The topic grows 3 -> 6 under a running ingest, as {@code heraldctl topic grow} grows it: once ingest's producer
 * writes a moved channel to its new partition, the position it answers with carries that partition's base.
 */
@TestPropertySource(properties = {"herald.kafka.topic=" + GrownTopicTest.TOPIC, "herald.kafka.partitions=3",
        // the producer finds the new partitions within a second, not Kafka's default five minutes
        "spring.kafka.producer.properties.metadata.max.age.ms=500"})
class GrownTopicTest extends IngestTest {

    static final String TOPIC = "grown-test.notifications";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final AtomicInteger posts = new AtomicInteger();

    @Test
    void aMovedChannelsPositionInItsNewPartitionCarriesTheBaseOfTheGrowth() throws Exception {
        ChannelName moved = channel(partition -> partition >= 3);
        ChannelName stays = channel(partition -> partition < 3);
        JsonNode before = post(moved);
        assertThat(before.get("partition").intValue()).isEqualTo(ChannelPartitioner.partitionOf(moved, 3));
        assertThat(before.get("position").stringValue()).isEqualTo(offsetOf(before) + "-1");

        grow(6);

        AtomicReference<JsonNode> after = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            after.set(post(moved));
            return after.get().get("partition").intValue() == ChannelPartitioner.partitionOf(moved, 6);
        });
        assertThat(after.get().get("position").stringValue())
                .isEqualTo(Position.ofOffset(TopicLayout.SPAN + offsetOf(after.get())).toString());
        JsonNode stayed = post(stays);
        assertThat(stayed.get("position").stringValue()).as("a partition of generation 0: positions are offsets")
                .isEqualTo(offsetOf(stayed) + "-1");
    }

    private JsonNode post(ChannelName channel) {
        String id = "grown-" + posts.incrementAndGet();
        HttpResponse<String> response = http().postJson("/v1/notifications",
                "{\"id\":\"" + id + "\",\"channel\":\"" + channel.value() + "\",\"type\":\"t\",\"data\":{}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Http.json(response);
    }

    /** The Kafka offset of the record an answer is about, found by its id. */
    private static long offsetOf(JsonNode answer) {
        String id = "\"id\":\"" + answer.get("id").stringValue() + "\"";
        return records(TOPIC).stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(id))
                .mapToLong(ConsumerRecord::offset).findFirst().orElseThrow();
    }

    /** The steps of heraldctl topic grow, with no grace: nothing here produces to the old partitions meanwhile. */
    private static void grow(int partitions) throws Exception {
        Map<String, Object> client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(LayoutTopic.of(TOPIC), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            TopicLayout grown = LayoutTopic.read(client, TOPIC, TIMEOUT).grow(partitions, 0);
            LayoutTopic.write(client, grown, TIMEOUT);
            admin.createPartitions(Map.of(TOPIC, NewPartitions.increaseTo(partitions))).all().get();
            Map<TopicPartition, OffsetSpec> ends = Map.of(new TopicPartition(TOPIC, 0), OffsetSpec.latest(),
                    new TopicPartition(TOPIC, 1), OffsetSpec.latest(), new TopicPartition(TOPIC, 2), OffsetSpec.latest());
            Map<Integer, Long> cuts = new HashMap<>();
            admin.listOffsets(ends).all().get().forEach((partition, end) -> cuts.put(partition.partition(), end.offset()));
            LayoutTopic.write(client, grown.seal(cuts), TIMEOUT);
        }
    }

    private static ChannelName channel(IntPredicate partitionAfterGrowth) {
        return IntStream.range(0, 10_000).mapToObj(i -> ChannelName.parse("user:grown-" + i))
                .filter(channel -> partitionAfterGrowth.test(ChannelPartitioner.partitionOf(channel, 6)))
                .findFirst().orElseThrow();
    }
}
