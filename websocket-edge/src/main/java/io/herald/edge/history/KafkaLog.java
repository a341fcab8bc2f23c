package io.herald.edge.history;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.kafka.LayoutWatch;
import io.herald.core.kafka.PartitionReader;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.edge.settings.ConnectionProperties;
import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The second tier of recovery: reads a channel's notifications straight from Kafka, for gaps the Redis log cannot
 * prove it holds (trimmed, expired, Redis restarted empty). The recovery window is thus Kafka's retention. Records
 * are read with the dispatcher's own decoder, so the IDs and envelopes are exactly the ones the Redis log holds or
 * would hold; records the dispatcher dead-letters are skipped here too.
 *
 * <p>Where a channel's history lies comes from the topic's {@link TopicLayout} ({@link LayoutWatch}): one partition
 * while the topic never grew, else one {@link TopicLayout.Segment} per partition the channel lived in, each but the
 * last ending at the cut of the growth that moved it. A record of the channel inside a segment is the channel's
 * there ({@link TopicLayout#homeAt} names the segment's partition for each of its offsets); one a producer wrote to
 * the old partition at or past a cut lies outside every segment, and is read from the new partition, where the
 * dispatcher moved it.
 *
 * <p>Offsets come from one long-lived admin client (thread-safe), partition ends in shared rounds
 * ({@link PartitionEnds}); records are read by a few long-lived consumers
 * ({@link KafkaReaders}), one per catch-up thread. A read whose start is at or past the end of what it may read
 * needs no consumer at all.
 *
 * <p>Meters: {@code herald.edge.history.kafka.scans} (reads that scanned a partition),
 * {@code herald.edge.history.kafka.readers.created} (consumers created: the thread count, more only after failures).
 */
@Component
public class KafkaLog implements DisposableBean {

    private final String topic;
    private final RecordDecoder decoder;
    private final long scanBudget;
    private final Duration timeout;
    private final Admin admin;
    private final PartitionEnds ends;
    private final KafkaReaders readers;
    private final LayoutWatch layouts;
    private final Counter scans;

    public KafkaLog(ConnectionProperties.Kafka kafka, ConnectionProperties.Topic topic,
            ConnectionProperties.Envelope envelope, EdgeProperties edge, LayoutWatch layouts, MeterRegistry meters) {
        this.topic = topic.topic();
        this.decoder = new RecordDecoder(new EnvelopeCodec(new EnvelopeLimits(envelope.maxDataBytes())));
        this.scanBudget = edge.recovery().kafkaScanBudget();
        this.timeout = edge.recovery().kafkaTimeout();
        this.layouts = layouts;
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> adminConfig = new HashMap<>(kafka.clientConfig());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-edge-" + edge.nodeId() + "-offsets");
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
        this.admin = Admin.create(adminConfig);
        this.ends = new PartitionEnds(admin, timeout);
        Properties props = new Properties();
        props.putAll(kafka.clientConfig());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-edge-" + edge.nodeId() + "-recovery");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMillis));
        this.scans = meters.counter("herald.edge.history.kafka.scans");
        this.readers = new KafkaReaders(props, edge.recovery().threads(),
                meters.counter("herald.edge.history.kafka.readers.created")::increment);
        // in the background: a node whose Kafka is away still starts, and serves live delivery meanwhile
        Thread warmUp = new Thread(() -> readers.warmUp(this.topic, timeout), "herald-kafka-readers-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * Where a subscribe without a position starts when Redis knows nothing of the channel: right before the end of
     * the partition the channel lives in now ({@link TopicLayout.Segment#before}; {@code 0-0} for an empty partition
     * of a topic that never grew), read after this call ({@link PartitionEnds}). Whatever the channel published
     * before lies at or before it, so only later notifications are delivered, and a client that resumes from it gets
     * exactly those. Completes on Kafka's admin thread, exceptionally when Kafka does not answer in time; throws
     * when the topic's layout cannot be read.
     */
    public CompletableFuture<Position> end(ChannelName channel) {
        List<TopicLayout.Segment> segments = layout().segments(channel);
        TopicLayout.Segment current = segments.get(segments.size() - 1);
        return ends.end(new TopicPartition(topic, current.partition())).thenApply(current::before);
    }

    /**
     * Hands the listener, in order, every notification of {@code channel} after {@code after} and before
     * {@code until}, across every partition the channel lived in. What Kafka no longer holds, or what lies beyond
     * the scan budget, is reported as a gap and skipped.
     *
     * @param until exclusive; null for the end of what the channel's partitions hold now
     * @return how many notifications were handed over and how many gaps reported
     */
    public Recovery read(ChannelName channel, Position after, Position until, HistoryListener listener) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (until != null && after.nextOffset() >= until.offset()) {
            return new Recovery(Recovery.Source.KAFKA, 0, 0, after); // nothing can lie in between: no need to ask
        }
        List<Range> ranges = new ArrayList<>();
        for (TopicLayout.Stretch stretch : layout().after(channel, after)) {
            TopicLayout.Segment segment = stretch.segment();
            // until's offset in this segment's numbering: below its start when until lies in an earlier segment, past
            // its end when in a later one (positions of later segments are larger)
            long untilOffset = until == null ? Long.MAX_VALUE : until.offset() - segment.base();
            if (untilOffset <= stretch.from()) {
                break; // this segment and the later ones lie at or past until
            }
            TopicPartition tp = new TopicPartition(topic, segment.partition());
            long end = endOffset(tp, deadline);
            long stop = Math.min(segment.isOpen() ? end : Math.min(segment.until(), end), untilOffset);
            if (stretch.from() < stop) {
                ranges.add(new Range(segment, tp, stretch.from(), stop));
            }
        }
        if (ranges.isEmpty()) {
            return new Recovery(Recovery.Source.KAFKA, 0, 0, after); // at or past the partitions' ends: no scan
        }
        scans.increment();
        return readers.read(deadline - System.nanoTime(),
                consumer -> scan(consumer, new ChannelScan(channel, after, listener), ranges, deadline));
    }

    /** Offsets {@code [from, stop)} of one segment's partition to read. */
    private record Range(TopicLayout.Segment segment, TopicPartition tp, long from, long stop) {
    }

    private Recovery scan(KafkaConsumer<byte[], byte[]> consumer, ChannelScan scan, List<Range> ranges,
            long deadline) {
        for (Range range : ranges) {
            long begin = consumer.beginningOffsets(List.of(range.tp())).get(range.tp());
            long start = range.from();
            if (start < begin) {
                scan.gap(range.segment().position(Math.min(begin, range.stop()) - 1), "kafka no longer holds offset "
                        + start + " of " + range.tp() + " (earliest is " + begin + ")");
                start = begin;
            }
            if (start >= range.stop()) {
                continue;
            }
            scan.segment = range.segment();
            long reached;
            try {
                reached = PartitionReader.read(consumer, range.tp(), start, range.stop(), scan::accept,
                        position -> scan.scanned < scanBudget && System.nanoTime() <= deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while reading " + range.tp(), e);
            }
            if (reached < range.stop()) {
                // one gap through the end of the whole read: the budget or the time is spent for what follows too
                Range last = ranges.get(ranges.size() - 1);
                scan.gap(last.segment().position(last.stop() - 1), scan.scanned >= scanBudget
                        ? "gap larger than the kafka scan budget of " + scanBudget + " records"
                        : "kafka read took longer than " + timeout);
                break;
            }
        }
        return new Recovery(Recovery.Source.KAFKA, scan.replayed, scan.gaps, scan.last);
    }

    /**
     * The channel's records among those of the partitions read, decoded and handed on, chained by {@code prev}
     * across segments and gaps.
     */
    private final class ChannelScan {

        private final byte[] key;
        private final HistoryListener listener;
        private TopicLayout.Segment segment;
        private Position last;
        private long scanned;
        private long replayed;
        private int gaps;

        ChannelScan(ChannelName channel, Position after, HistoryListener listener) {
            this.key = channel.value().getBytes(StandardCharsets.UTF_8);
            this.last = after;
            this.listener = listener;
        }

        void accept(ConsumerRecord<byte[], byte[]> record) {
            scanned++;
            if (!Arrays.equals(key, record.key())) {
                return;
            }
            LiveMessage entry = decode(record, segment.position(record.offset()), last);
            if (entry != null) {
                // a channel's records may lie far apart in the partition: each leaves as soon as it is found
                listener.entry(entry);
                listener.flush();
                last = entry.id();
                replayed++;
            }
        }

        void gap(Position through, String reason) {
            listener.gap(through, reason);
            last = through;
            gaps++;
        }
    }

    private LiveMessage decode(ConsumerRecord<byte[], byte[]> record, Position id, Position prev) {
        try {
            byte[] json = decoder.codec().encode(decoder.decode(record.topic(), record.partition(), record.offset(),
                    record.timestamp(), record.key(), record.value()));
            return new LiveMessage(id, prev, new String(json, StandardCharsets.UTF_8));
        } catch (InvalidEnvelopeException e) {
            return null; // dead-lettered by the dispatcher, never in the log: skipped here too
        }
    }

    /** The partition's end as a read_committed consumer sees it (the last stable offset). */
    private long endOffset(TopicPartition tp, long deadline) {
        return await(ends.end(tp), deadline);
    }

    /** The topic's layout (read on the first use when the background read has not yet; a failure fails the catch-up). */
    private TopicLayout layout() {
        return layouts.current();
    }

    private static <T> T await(CompletableFuture<T> future, long deadline) {
        try {
            return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while asking kafka", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KafkaException kafka) {
                throw kafka;
            }
            throw new KafkaException("kafka refused: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("kafka did not answer in time", e);
        }
    }

    @Override
    public void destroy() {
        readers.close();
        admin.close(Duration.ofSeconds(1));
    }
}
