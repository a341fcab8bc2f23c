package io.herald.dispatcher.replay;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.position.Position;
import io.herald.core.redis.LiveMessage;
import io.herald.core.redis.RedisKeys;
import io.herald.dispatcher.engine.KafkaAccess;
import io.herald.dispatcher.engine.OffsetRange;
import io.herald.dispatcher.engine.PartitionScan;
import io.herald.dispatcher.engine.Progress;
import io.herald.dispatcher.engine.RateLimiter;
import io.herald.dispatcher.engine.RedisAccess;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Sends a window of a channel's notifications again to its live subscribers: reads them from the channel's
 * Kafka partition (by assignment, no group) and publishes each on the channel's pub/sub channel flagged as a
 * replay ({@link LiveMessage#asReplay()}). Edges deliver a replay to every live subscriber of the channel as a
 * {@code message} frame with {@code "replay":true}, outside the ordering and gap checks and without moving
 * anyone's position; clients drop IDs they already have. The Redis logs are not touched.
 */
public final class ReplayEngine {

    private static final int PIPELINE = 500;

    private final KafkaAccess kafka;
    private final RedisAccess redis;
    private final RecordDecoder decoder;
    private final boolean sharded;

    /** @param sharded publish with SPUBLISH (Redis Cluster), as the dispatcher does when so configured */
    public ReplayEngine(KafkaAccess kafka, RedisAccess redis, RecordDecoder decoder, boolean sharded) {
        this.kafka = kafka;
        this.redis = redis;
        this.decoder = decoder;
        this.sharded = sharded;
    }

    public ReplayReport run(ReplayRequest request, Progress progress) throws InterruptedException {
        ChannelName channel = request.channel();
        String known = redis.await(redis.connection().async().hget(RedisKeys.meta(channel), RedisKeys.META_PARTITION),
                "read the meta of " + channel);
        int partition = known != null ? Integer.parseInt(known) : kafka.partitionOf(channel);
        byte[] key = channel.value().getBytes(StandardCharsets.UTF_8);
        String pubsub = RedisKeys.pubsub(channel);
        Sender sender = new Sender(request.dryRun(), pubsub, new RateLimiter(request.ratePerSecond()));
        OffsetRange range;
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("herald-replay")) {
            PartitionScan scan = new PartitionScan(kafka, consumer, kafka.topic(), kafka.timeout());
            range = scan.resolve(List.of(partition), request.since(), request.until()).get(0);
            progress.start(range.size());
            scan.read(range, progress, record -> {
                sender.scanned++;
                if (Arrays.equals(key, record.key())) {
                    sender.matched++;
                    LiveMessage message = decode(record, sender.prev);
                    if (message == null) {
                        sender.invalid++;
                    } else {
                        sender.send(message);
                    }
                }
            });
            sender.flush();
        } finally {
            progress.finish();
        }
        return new ReplayReport(request.dryRun(), channel.value(), range, sender.scanned, sender.matched,
                sender.invalid, sender.published, sender.first, sender.last, sender.receivers);
    }

    private LiveMessage decode(ConsumerRecord<byte[], byte[]> record, Position prev) {
        try {
            Envelope envelope = decoder.decode(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.key(), record.value());
            return new LiveMessage(Position.ofOffset(record.offset()), prev,
                    new String(decoder.codec().encode(envelope), StandardCharsets.UTF_8), true);
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
            RedisAsyncCommands<String, String> async = redis.connection().async();
            pending.add(sharded ? async.spublish(pubsub, message.format()) : async.publish(pubsub, message.format()));
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
