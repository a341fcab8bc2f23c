package io.herald.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeBuilder;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.engine.apply.CommandDecoder;
import io.herald.engine.replay.ReplayEngine;
import io.herald.engine.replay.ReplayReport;
import io.herald.engine.replay.ReplayRequest;
import io.herald.engine.restore.RestoreEngine;
import io.herald.engine.restore.RestoreReport;
import io.herald.engine.restore.RestoreRequest;
import io.herald.engine.retention.RetentionDefaults;
import io.herald.engine.retention.RetentionPolicy;
import io.herald.engine.retention.RetentionSettings;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.awaitility.Awaitility;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Restore and replay on a topic whose partition count grew from 3 to 6 (core's {@code TopicLayout}), against a real
 * broker and redis-server: channels the growth moved have their first records in their old partition, below the
 * cut, the later ones in their new partition, numbered from the growth's base.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicGrowthIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Retention RETENTION = new Retention(1000, Duration.ofHours(24), Retention.DEFAULT_META_TTL);

    private final EnvelopeCodec codec = new EnvelopeCodec(EnvelopeLimits.DEFAULTS);
    private final String topic = "restore-grow-" + UUID.randomUUID();
    private final String group = "dispatcher-" + UUID.randomUUID();
    private final KafkaBroker broker;
    private final RedisServer server;
    private KafkaProducer<byte[], byte[]> producer;
    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;
    private KafkaAccess kafka;
    private RedisAccess access;
    private final ChannelName restored = movingChannel();
    private final ChannelName replayed = movingChannel();
    private final Map<ChannelName, List<Position>> positions = new HashMap<>();
    private TopicLayout layout;

    TopicGrowthIT(KafkaBroker broker, RedisServer server) {
        this.broker = broker;
        this.server = server;
    }

    @BeforeAll
    void start() throws Exception {
        broker.createTopic(topic, 3);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
        client = RedisClient.create(server.url());
        redis = client.connect();
        ApplyScript.load(redis.async()).toCompletableFuture().join();
        kafka = new KafkaAccess(clientConfig(), topic, TIMEOUT);
        access = RedisAccess.of(server.url(), TIMEOUT);
        // before the growth: three records of each channel in its partition of 3
        for (ChannelName channel : List.of(restored, replayed)) {
            int old = ChannelPartitioner.partitionOf(channel, 3);
            List<Position> applied = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                Envelope envelope = envelope(channel, n);
                Position position = Position.ofOffset(send(envelope, old).offset());
                apply(envelope, position, old, -1);
                applied.add(position);
            }
            positions.put(channel, applied);
        }
        broker.createTopic(LayoutTopic.of(topic), 1);
        layout = TopicLayout.of(topic, 3).grow(6, 0).seal(broker.growTopic(topic, 6));
        LayoutTopic.write(clientConfig(), layout, TIMEOUT);
    }

    @AfterAll
    void stop() {
        access.close();
        kafka.close();
        redis.close();
        client.shutdown();
        producer.close();
    }

    @Test
    void aRestoreWritesAMovedChannelsHistoryFromBothPartitionsAtTheirPositions() throws Exception {
        ChannelName channel = restored;
        int old = ChannelPartitioner.partitionOf(channel, 3);
        int home = layout.home(channel);
        // a producer that had not seen the growth: the dispatcher moves its record to the channel's new partition
        Envelope late = envelope(channel, 3);
        send(late, old);
        apply(late, layout.position(home, send(late, home).offset()), home, old);
        Envelope last = envelope(channel, 4);
        apply(last, layout.position(home, send(last, home).offset()), home, old);
        commitEverything();
        List<String> applied = ids(channel);
        assertThat(applied).hasSize(5);
        assertThat(Position.parse(applied.get(3)).offset()).isGreaterThanOrEqualTo(TopicLayout.SPAN);

        // Redis lost everything of the channel: the whole topic is restored
        redis.sync().del(RedisKeys.log(channel), RedisKeys.meta(channel));
        RestoreReport report = restore(null);
        assertThat(report.mismatched()).isZero();
        assertThat(report.moved()).isEqualTo(1);
        assertThat(ids(channel)).isEqualTo(applied);
        assertThat(redis.sync().hgetall(RedisKeys.meta(channel))).containsEntry(RedisKeys.META_PARTITION,
                Integer.toString(home)).containsEntry(RedisKeys.META_LAST, applied.get(4));

        // only the log was lost, the meta names the new partition: the old partition's records are the channel's too
        redis.sync().del(RedisKeys.log(channel));
        RestoreReport again = restore(channel);
        assertThat(again.mismatched()).isZero();
        assertThat(again.restored()).isEqualTo(5);
        assertThat(ids(channel)).isEqualTo(applied);
        assertThat(redis.sync().hget(RedisKeys.meta(channel), RedisKeys.META_PARTITION)).isEqualTo(Integer.toString(home));
    }

    @Test
    void aReplayPublishesAMovedChannelsWindowFromBothPartitionsWithItsPositionsAndPrevChain() throws Exception {
        List<Position> ids = new ArrayList<>(positions.get(replayed));
        int home = layout.home(replayed);
        for (int n = 3; n < 5; n++) {
            Envelope envelope = envelope(replayed, n);
            Position position = layout.position(home, send(envelope, home).offset());
            apply(envelope, position, home, layout.source(home));
            ids.add(position);
        }
        List<LiveMessage> received = listen(replayed);

        // a window given in positions, as clients hold them: from the second record to the last, exclusive
        ReplayReport report = new ReplayEngine(kafka, access, new RecordDecoder(codec)).run(new ReplayRequest(replayed,
                new Bound.Offset(ids.get(1).offset()), new Bound.Offset(ids.get(4).offset()), false, 0), Progress.NONE);

        assertThat(report.published()).isEqualTo(3);
        assertThat(report.ranges()).extracting(OffsetRange::partition)
                .containsExactly(ChannelPartitioner.partitionOf(replayed, 3), home);
        Awaitility.await().atMost(TIMEOUT).until(() -> received.size() >= 3);
        assertThat(received).extracting(LiveMessage::id).containsExactly(ids.get(1), ids.get(2), ids.get(3));
        assertThat(received).extracting(LiveMessage::prev).containsExactly(Position.NONE, ids.get(1), ids.get(2));
        assertThat(received).allMatch(LiveMessage::replay);
    }

    private List<LiveMessage> listen(ChannelName channel) {
        List<LiveMessage> received = new CopyOnWriteArrayList<>();
        StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String payload) {
                received.add(LiveMessage.parse(payload));
            }
        });
        pubsub.sync().subscribe(RedisKeys.pubsub(channel));
        return received;
    }

    private RestoreReport restore(ChannelName channel) throws InterruptedException {
        CommandDecoder decoder = new CommandDecoder(new RecordDecoder(codec), new RetentionPolicy(new RetentionSettings(
                new RetentionDefaults(RETENTION.maxLen(), RETENTION.ttl(), RETENTION.metaTtl()), Map.of())));
        return new RestoreEngine(kafka, access, decoder).run(new RestoreRequest(new Bound.Offset(0), null, channel,
                false, 0, group), Progress.NONE);
    }

    /** As the dispatcher applies a record; {@code movedFrom} for a partition the growth created, else -1. */
    private void apply(Envelope envelope, Position position, int partition, int movedFrom) throws Exception {
        ApplyScript.Call call = new ApplyScript(false).call();
        call.add(envelope.channel(), position.offset(), partition, movedFrom, -1,
                new String(codec.encode(envelope), StandardCharsets.UTF_8), RETENTION, Position.NONE);
        assertThat(ApplyScript.result(call.send(redis.async()).get(10, TimeUnit.SECONDS)).outcome())
                .isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    private RecordMetadata send(Envelope envelope, int partition) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition,
                envelope.channel().value().getBytes(StandardCharsets.UTF_8), codec.encode(envelope)))
                .get(10, TimeUnit.SECONDS);
    }

    /** The dispatcher's group has applied every record: the restore's window is the whole topic. */
    private void commitEverything() throws Exception {
        try (Admin admin = Admin.create(clientConfig())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 6; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS)
                    .forEach((tp, end) -> committed.put(tp, new OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(group, committed).all().get(10, TimeUnit.SECONDS);
        }
    }

    private List<String> ids(ChannelName channel) {
        List<String> ids = new ArrayList<>();
        for (StreamMessage<String, String> entry : redis.sync().xrange(RedisKeys.log(channel), Range.create("-", "+"))) {
            ids.add(entry.getId());
        }
        return ids;
    }

    private Envelope envelope(ChannelName channel, int n) {
        return new EnvelopeBuilder(codec, Clock.systemUTC()).channel(channel.value()).type("test.n")
                .data(JsonNodeFactory.instance.objectNode().put("n", n)).build();
    }

    private Map<String, Object> clientConfig() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    }

    /** A new channel the growth to 6 partitions moves: from partition h % 3 to h % 6 = h % 3 + 3. */
    private static ChannelName movingChannel() {
        while (true) {
            ChannelName channel = ChannelName.parse("user:" + UUID.randomUUID().toString().substring(0, 8));
            if (ChannelPartitioner.partitionOf(channel, 6) >= 3) {
                return channel;
            }
        }
    }
}
