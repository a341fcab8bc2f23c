package io.herald.engine.restore;

import io.herald.core.kafka.TopicLayout;
import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.ApplyScript;
import io.herald.redis.Retention;
import io.herald.engine.apply.ApplyCommand;
import io.herald.engine.apply.CommandDecoder;
import io.herald.engine.ChannelPartitions;
import io.herald.engine.EngineException;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Refills the Redis logs from Kafka after Redis lost data: reads a window of the notifications topic by
 * assignment (no group: the dispatcher's consumer group is only read, never joined or moved), turns each
 * record into the dispatcher's own {@link ApplyCommand} (same decoder, same positions, same retention), and
 * writes them with the restore script, which merges below a log's top and publishes nothing. Positions are
 * Kafka offsets (plus their partition's base after a growth of the topic), so a restore is idempotent: run twice,
 * the second writes nothing.
 *
 * <p>The window ends at the dispatcher group's committed offsets: records beyond are the dispatcher's to
 * apply (and to publish live); restoring them first would make the dispatcher see them as duplicates and
 * live subscribers would get them only through their edge's tail check.
 *
 * <p>A record is written only where the dispatcher would have written it: {@link CommandDecoder} decides
 * validity and the record's position, the topic's layout ({@link TopicLayout}, read once per run) which partition
 * each record belongs to, and {@link ChannelPartitions} the partition each channel belongs to now (its meta's, else
 * its home's) before anything is written. A record on another partition than the one the layout gives its channel
 * at that offset ({@link TopicLayout#homeAt}: the key's, or after a growth of the topic the channel's new partition
 * for a record past the growth's cut) was moved there by the dispatcher ({@code RecordMover}): the scan restores the
 * copy and counts the original as {@code moved}. A record whose channel's meta names a partition outside the
 * channel's history (its partitions in the layout, {@link TopicLayout#segments}) is one the dispatcher dead-lettered
 * as {@code partition-mismatch}: it is counted, never written. The decision is the engine's, not the first written
 * record's, so the order partitions are read in does not matter and a dry run predicts the real run's counts,
 * mismatches included.
 */
public final class RestoreEngine {

    /** Records buffered before they are written: bounds memory whatever the window. */
    private static final int CHUNK_RECORDS = 2000;
    private static final long CHUNK_CHARS = 8L << 20;

    private final KafkaAccess kafka;
    private final RedisAccess redis;
    private final CommandDecoder decoder;

    public RestoreEngine(KafkaAccess kafka, RedisAccess redis, CommandDecoder decoder) {
        this.kafka = kafka;
        this.redis = redis;
        this.decoder = decoder;
    }

    public RestoreReport run(RestoreRequest request, Progress progress) throws InterruptedException {
        TopicLayout layout = kafka.layout();
        ChannelPartitions owners = new ChannelPartitions(redis, layout);
        Map<Integer, Long> committed = kafka.committed(request.groupId());
        Tally tally = new Tally(request.dryRun());
        List<OffsetRange> ranges = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("herald-restore")) {
            PartitionScan scan = new PartitionScan(kafka, consumer, kafka.topic(), kafka.timeout());
            // a partition whose source is not cut yet is not applied yet: the dispatcher applies it once it is
            List<OffsetRange> window = request.channel() == null
                    ? scan.resolve(IntStream.range(0, layout.partitions()).filter(layout::sealed).boxed().toList(),
                            request.since(), request.until())
                    : scan.resolveHistory(layout.segments(request.channel()), request.since(), request.until());
            for (OffsetRange range : window) {
                Long applied = committed.get(range.partition());
                ranges.add(applied == null
                        ? range.capAt(range.from(), "the dispatcher group has committed nothing on this partition yet; it applies these records itself")
                        : range.capAt(applied, "capped at the dispatcher group's committed offset " + applied));
            }
            progress.start(ranges.stream().mapToLong(OffsetRange::size).sum());
            RateLimiter rate = new RateLimiter(request.ratePerSecond());
            byte[] key = request.channel() == null ? null : request.channel().value().getBytes(StandardCharsets.UTF_8);
            for (OffsetRange range : ranges) {
                Chunk chunk = new Chunk(range.partition());
                Map<ChannelName, Position> lastSeen = new HashMap<>();
                scan.read(range, progress, record -> {
                    tally.scanned++;
                    if (key == null || Arrays.equals(key, record.key())) {
                        accept(record, range, layout, lastSeen, chunk, tally);
                        if (chunk.full()) {
                            write(chunk, layout, owners, request.dryRun(), rate, tally);
                        }
                    }
                });
                write(chunk, layout, owners, request.dryRun(), rate, tally);
            }
        } finally {
            progress.finish();
        }
        return tally.report(kafka.topic(), request.groupId(), ranges);
    }

    /** The partitions of the channel's history, oldest first: one unless a growth of the topic moved it. */
    private static List<Integer> history(TopicLayout layout, ChannelName channel) {
        return layout.segments(channel).stream().map(TopicLayout.Segment::partition).toList();
    }

    private void accept(ConsumerRecord<byte[], byte[]> record, OffsetRange range, TopicLayout layout,
            Map<ChannelName, Position> lastSeen, Chunk chunk, Tally tally) {
        tally.matched++;
        if (!(decoder.decode(record, layout) instanceof CommandDecoder.Accepted accepted)) {
            tally.invalid++;
            return;
        }
        ApplyCommand command = accepted.command();
        if (layout.homeAt(command.channel(), record.partition(), record.offset()) != record.partition()) {
            // the dispatcher moved it to the channel's partition, where this scan restores the copy
            tally.moved++;
            return;
        }
        tally.channels.add(command.channel().value());
        Position seen = lastSeen.put(command.channel(), Position.ofOffset(command.offset()));
        RestoreRecord restore;
        if (seen != null) {
            restore = new RestoreRecord(command.offset(), seen, true, command.envelopeJson());
        } else if (range.from() == 0 && layout.source(range.partition()) < 0) {
            // the scan started at the very first record of one of the topic's first partitions: nothing came before
            // in this channel (a partition a growth created follows the channel's records in an older one)
            restore = new RestoreRecord(command.offset(), Position.NONE, true, command.envelopeJson());
        } else {
            // the channel's previous record lies before the window; claim continuity with nothing earlier
            restore = new RestoreRecord(command.offset(), new Position(command.offset() - 1), false, command.envelopeJson());
        }
        chunk.add(command, restore);
    }

    private void write(Chunk chunk, TopicLayout layout, ChannelPartitions owners, boolean dryRun, RateLimiter rate,
            Tally tally) throws InterruptedException {
        if (chunk.isEmpty()) {
            return;
        }
        Map<ChannelName, ChannelPartitions.Owner> owner = owners.of(chunk.byChannel.keySet());
        RedisClusterAsyncCommands<String, String> async = redis.commands();
        redis.await(async.scriptLoad(RestoreScript.SOURCE), "load the restore script");
        Map<ChannelName, RedisFuture<List<Object>>> replies = new LinkedHashMap<>();
        Map<ChannelName, List<Integer>> histories = new HashMap<>();
        for (Map.Entry<ChannelName, List<RestoreRecord>> channel : chunk.byChannel.entrySet()) {
            ChannelPartitions.Owner belongs = owner.get(channel.getKey());
            List<Integer> history = history(layout, channel.getKey());
            if (!history.contains(belongs.partition())) {
                // the dispatcher dead-lettered these (partition-mismatch): writing them would claim the channel
                // for the wrong partition, so that its real records, and every later one, are refused
                tally.mismatch(channel.getKey(), channel.getValue().size(), belongs.toString());
                continue;
            }
            histories.put(channel.getKey(), history);
            rate.acquire(channel.getValue().size());
            replies.put(channel.getKey(), RestoreScript.restore(async, channel.getKey(), chunk.partition, history,
                    chunk.retention.get(channel.getKey()), dryRun, channel.getValue()));
        }
        for (Map.Entry<ChannelName, RedisFuture<List<Object>>> reply : replies.entrySet()) {
            List<Object> result;
            try {
                result = redis.await(reply.getValue(), "restore " + reply.getKey());
            } catch (EngineException e) {
                if (!ApplyScript.isNoScript(e)) {
                    throw e;
                }
                // Redis lost its script cache (restart, SCRIPT FLUSH) during the chunk: the script is idempotent, send again
                redis.await(async.scriptLoad(RestoreScript.SOURCE), "load the restore script");
                ChannelName channel = reply.getKey();
                result = redis.await(RestoreScript.restore(async, channel, chunk.partition, histories.get(channel),
                        chunk.retention.get(channel), dryRun, chunk.byChannel.get(channel)), "restore " + channel);
            }
            tally.add(reply.getKey(), chunk.byChannel.get(reply.getKey()).size(), RestoreScript.Result.of(result));
        }
        chunk.clear();
    }

    /** Records read but not yet written, grouped by channel in offset order. */
    private static final class Chunk {
        final int partition;
        final Map<ChannelName, List<RestoreRecord>> byChannel = new LinkedHashMap<>();
        final Map<ChannelName, Retention> retention = new HashMap<>();
        int records;
        long chars;

        Chunk(int partition) {
            this.partition = partition;
        }

        void add(ApplyCommand command, RestoreRecord record) {
            byChannel.computeIfAbsent(command.channel(), c -> new ArrayList<>()).add(record);
            retention.put(command.channel(), command.retention());
            records++;
            chars += record.envelopeJson().length();
        }

        boolean full() {
            return records >= CHUNK_RECORDS || chars >= CHUNK_CHARS;
        }

        boolean isEmpty() {
            return records == 0;
        }

        void clear() {
            byChannel.clear();
            retention.clear();
            records = 0;
            chars = 0;
        }
    }

    private static final class Tally {
        final boolean dryRun;
        long scanned;
        long matched;
        long invalid;
        long restored;
        long present;
        long repaired;
        long trimmed;
        long mismatched;
        long moved;
        final Set<String> channels = new HashSet<>();
        final Map<String, String> mismatchedChannels = new LinkedHashMap<>();

        Tally(boolean dryRun) {
            this.dryRun = dryRun;
        }

        void add(ChannelName channel, int records, RestoreScript.Result result) {
            if (result.partitionMismatch()) {
                // the meta changed since the engine read it (the dispatcher applied a first record meanwhile)
                mismatch(channel, records, "meta partition " + result.metaPartition());
                return;
            }
            restored += result.written();
            present += result.present();
            repaired += result.repaired();
            trimmed += result.trimmed();
        }

        void mismatch(ChannelName channel, int records, String belongsTo) {
            mismatched += records;
            if (mismatchedChannels.size() < 20) {
                mismatchedChannels.putIfAbsent(channel.value(), channel.value() + " (" + belongsTo + ")");
            }
        }

        RestoreReport report(String topic, String group, List<OffsetRange> ranges) {
            return new RestoreReport(dryRun, topic, group, List.copyOf(ranges), scanned, matched, invalid, restored,
                    present, repaired, trimmed, mismatched, moved, channels.size(), List.copyOf(mismatchedChannels.values()));
        }
    }
}
