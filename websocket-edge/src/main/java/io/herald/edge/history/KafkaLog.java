package io.herald.edge.history;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.kafka.ChannelPartitioner;
import io.herald.core.kafka.PartitionReader;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.edge.settings.ConnectionProperties;
import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The second tier of recovery: reads a channel's notifications straight from its Kafka partition, for gaps the
 * Redis log cannot prove it holds (trimmed, expired, Redis restarted empty). The recovery window is thus
 * Kafka's retention. Records are read with the dispatcher's own decoder, so the IDs and envelopes are exactly
 * the ones the Redis log holds or would hold; records the dispatcher dead-letters are skipped here too.
 *
 * <p>Offsets and the topic's partition count come from one long-lived admin client (thread-safe); records are
 * read by a few long-lived consumers ({@link KafkaReaders}), one per catch-up thread. A read whose start is at or
 * past the partition's end needs no consumer at all.
 *
 * <p>Meters: {@code herald.edge.history.kafka.scans} (reads that scanned the partition),
 * {@code herald.edge.history.kafka.readers.created} (consumers created: the thread count, more only after failures).
 */
@Component
public class KafkaLog implements DisposableBean {

    private final String topic;
    private final RecordDecoder decoder;
    private final long scanBudget;
    private final Duration timeout;
    private final Admin admin;
    private final KafkaReaders readers;
    private final Counter scans;
    /** The topic's partition count, read once: adding partitions moves keys, which Herald does not support. */
    private volatile int partitions;

    public KafkaLog(ConnectionProperties.Kafka kafka, ConnectionProperties.Topic topic,
            ConnectionProperties.Envelope envelope, EdgeProperties edge, MeterRegistry meters) {
        this.topic = topic.topic();
        this.decoder = new RecordDecoder(new EnvelopeCodec(new EnvelopeLimits(envelope.maxDataBytes())));
        this.scanBudget = edge.recovery().kafkaScanBudget();
        this.timeout = edge.recovery().kafkaTimeout();
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> adminConfig = new HashMap<>(kafka.clientConfig());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-edge-" + edge.nodeId() + "-offsets");
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
        this.admin = Admin.create(adminConfig);
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
     * Where a subscribe without a position starts when Redis knows nothing of the channel: the last offset its
     * partition holds now ({@code 0-0} when the partition is empty). Whatever the channel published before lies at
     * or before it, so only later notifications are delivered, and a client that resumes from it gets exactly those.
     */
    public Position end(ChannelName channel) {
        long end = endOffset(partitionOf(channel, null), System.nanoTime() + timeout.toNanos());
        return end == 0 ? Position.NONE : Position.ofOffset(end - 1);
    }

    /**
     * Hands the listener, in order, every notification of {@code channel} whose offset lies after {@code after}
     * and before {@code untilOffset} (exclusive; {@code -1} for the partition's current end). What Kafka no
     * longer holds, or what lies beyond the scan budget, is reported as a gap and skipped.
     *
     * @param partition the channel's partition when Redis knows it, else null (computed as the producer did)
     * @return how many notifications were handed over and how many gaps reported
     */
    public Recovery read(ChannelName channel, Integer partition, Position after, long untilOffset,
            HistoryListener listener) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long start = after.nextOffset();
        if (untilOffset >= 0 && start >= untilOffset) {
            return new Recovery(Recovery.Source.KAFKA, 0, 0, after); // nothing can lie in between: no need to ask
        }
        TopicPartition tp = partitionOf(channel, partition);
        long end = endOffset(tp, deadline);
        long stop = untilOffset < 0 ? end : Math.min(untilOffset, end);
        if (start >= stop) {
            return new Recovery(Recovery.Source.KAFKA, 0, 0, after); // at or past the partition's end: no scan
        }
        scans.increment();
        return readers.read(deadline - System.nanoTime(), consumer -> scan(consumer, channel, tp, after, start, stop,
                deadline, listener));
    }

    private Recovery scan(KafkaConsumer<byte[], byte[]> consumer, ChannelName channel, TopicPartition tp,
            Position after, long from, long stop, long deadline, HistoryListener listener) {
        long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
        long start = from;
        int gaps = 0;
        if (start < begin) {
            gaps++;
            listener.gap(Position.ofOffset(Math.min(begin, stop) - 1),
                    "kafka no longer holds offset " + start + " of " + tp + " (earliest is " + begin + ")");
            start = begin;
        }
        if (start >= stop) {
            return new Recovery(Recovery.Source.KAFKA, 0, gaps, after);
        }
        ChannelScan scan = new ChannelScan(channel, after, listener);
        long reached;
        try {
            reached = PartitionReader.read(consumer, tp, start, stop, scan::accept,
                    position -> scan.scanned < scanBudget && System.nanoTime() <= deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while reading " + tp, e);
        }
        if (reached < stop) {
            listener.gap(Position.ofOffset(stop - 1), scan.scanned >= scanBudget
                    ? "gap larger than the kafka scan budget of " + scanBudget + " records"
                    : "kafka read took longer than " + timeout);
            return new Recovery(Recovery.Source.KAFKA, scan.replayed, gaps + 1, Position.ofOffset(stop - 1));
        }
        return new Recovery(Recovery.Source.KAFKA, scan.replayed, gaps, scan.last);
    }

    /** The channel's records among those of its partition, decoded and handed on, chained by {@code prev}. */
    private final class ChannelScan {

        private final byte[] key;
        private final HistoryListener listener;
        private Position last;
        private long scanned;
        private long replayed;

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
            LiveMessage entry = decode(record, last);
            if (entry != null) {
                listener.entry(entry);
                last = entry.id();
                replayed++;
            }
        }
    }

    private LiveMessage decode(ConsumerRecord<byte[], byte[]> record, Position prev) {
        try {
            byte[] json = decoder.codec().encode(decoder.decode(record.topic(), record.partition(), record.offset(),
                    record.timestamp(), record.key(), record.value()));
            return new LiveMessage(Position.ofOffset(record.offset()), prev, new String(json, StandardCharsets.UTF_8));
        } catch (InvalidEnvelopeException e) {
            return null; // dead-lettered by the dispatcher, never in the log: skipped here too
        }
    }

    /** The partition's end as a read_committed consumer sees it (the last stable offset). */
    private long endOffset(TopicPartition tp, long deadline) {
        return await(admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(tp), deadline).offset();
    }

    /** The channel's partition: the one Redis names, else the one Kafka's default partitioner picks for the key. */
    private TopicPartition partitionOf(ChannelName channel, Integer known) {
        if (known != null) {
            return new TopicPartition(topic, known);
        }
        int count = partitions;
        if (count == 0) {
            count = await(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                    System.nanoTime() + timeout.toNanos()).partitions().size();
            partitions = count;
        }
        return new TopicPartition(topic, ChannelPartitioner.partitionOf(channel, count));
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, long deadline) {
        try {
            return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while asking kafka", e);
        } catch (ExecutionException e) {
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
