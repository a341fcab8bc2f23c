package io.herald.engine.replay;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.herald.engine.KafkaAccess;
import io.herald.engine.OffsetRange;
import io.herald.engine.PartitionScan;
import io.herald.engine.Progress;
import io.herald.engine.RateLimiter;
import io.herald.engine.RedisAccess;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Sends a window of a channel's notifications again to its live subscribers: reads them from the channel's
 * Kafka partition, or from each partition it lived in when a growth of the topic moved it ({@link TopicLayout}),
 * by assignment (no group), and publishes each on the channel's pub/sub channel flagged as a
 * replay ({@link LiveMessage#asReplay()}). Edges deliver a replay to every live subscriber of the channel as a
 * {@code message} frame with {@code "replay":true}, outside the ordering and gap checks and without moving
 * anyone's position; clients drop IDs they already have. The Redis logs are not touched.
 *
 * <p>A notification whose {@code expiresAt} has passed when it is read is skipped and counted
 * ({@link ReplayReport#expired()}): no edge may deliver it, so publishing it would only cost every edge a
 * discard (edges check again on delivery, for one that expires on the way).
 */
public final class ReplayEngine {

    private static final int PIPELINE = 500;

    private final KafkaAccess kafka;
    private final RedisAccess redis;
    private final RecordDecoder decoder;

    public ReplayEngine(KafkaAccess kafka, RedisAccess redis, RecordDecoder decoder) {
        this.kafka = kafka;
        this.redis = redis;
        this.decoder = decoder;
    }

    public ReplayReport run(ReplayRequest request, Progress progress) throws InterruptedException {
        ChannelName channel = request.channel();
        List<TopicLayout.Segment> segments = kafka.layout().segments(channel);
        byte[] key = channel.value().getBytes(StandardCharsets.UTF_8);
        String pubsub = RedisKeys.pubsub(channel);
        Sender sender = new Sender(request.dryRun(), pubsub, new RateLimiter(request.ratePerSecond()));
        List<OffsetRange> ranges;
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("herald-replay")) {
            PartitionScan scan = new PartitionScan(kafka, consumer, kafka.topic(), kafka.timeout());
            ranges = scan.resolveHistory(segments, request.since(), request.until());
            progress.start(ranges.stream().mapToLong(OffsetRange::size).sum());
            for (int i = 0; i < segments.size(); i++) {
                TopicLayout.Segment segment = segments.get(i);
                scan.read(ranges.get(i), progress, record -> {
                    sender.scanned++;
                    if (Arrays.equals(key, record.key())) {
                        sender.matched++;
                        Envelope envelope = decode(record);
                        if (envelope == null) {
                            sender.invalid++;
                        } else if (envelope.isExpiredAt(System.currentTimeMillis())) {
                            sender.expired++;
                        } else {
                            sender.send(new LiveMessage(segment.position(record.offset()), sender.prev,
                                    new String(decoder.codec().encode(envelope), StandardCharsets.UTF_8), true));
                        }
                    }
                });
            }
            sender.flush();
        } finally {
            progress.finish();
        }
        return new ReplayReport(request.dryRun(), channel.value(), ranges, sender.scanned, sender.matched,
                sender.invalid, sender.expired, sender.published, sender.first, sender.last, sender.receivers);
    }

    private Envelope decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return decoder.decode(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.key(), record.value());
        } catch (InvalidEnvelopeException e) {
            return null;
        }
    }

    /** Publishes in pipelined groups, at the allowed rate. */
    private final class Sender {
        final boolean dryRun;
        final String pubsub;
        final RateLimiter rate;
        final List<RedisFuture<Long>> pending = new ArrayList<>();
        long scanned;
        long matched;
        long invalid;
        long expired;
        long published;
        long receivers;
        Position prev = Position.NONE;
        String first;
        String last;

        Sender(boolean dryRun, String pubsub, RateLimiter rate) {
            this.dryRun = dryRun;
            this.pubsub = pubsub;
            this.rate = rate;
        }

        void send(LiveMessage message) throws InterruptedException {
            prev = message.id();
            if (first == null) {
                first = message.id().toString();
            }
            last = message.id().toString();
            published++;
            if (dryRun) {
                return;
            }
            rate.acquire(1);
            RedisClusterAsyncCommands<String, String> async = redis.commands();
            // on a Redis Cluster with SPUBLISH, as the dispatcher publishes there: to the channel's shard only
            pending.add(redis.isCluster() ? async.spublish(pubsub, message.format()) : async.publish(pubsub, message.format()));
            if (pending.size() >= PIPELINE) {
                flush();
            }
        }

        void flush() {
            for (RedisFuture<Long> reply : pending) {
                receivers = Math.max(receivers, redis.await(reply, "publish a replay on " + pubsub));
            }
            pending.clear();
        }
    }
}
