package io.herald.edge.history;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.position.Position;
import io.herald.core.redis.LiveMessage;
import io.herald.edge.config.ConnectionProperties;
import io.herald.edge.config.EdgeProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.springframework.stereotype.Component;

/**
 * The second tier of recovery: reads a channel's notifications straight from its Kafka partition, for gaps the
 * Redis log cannot prove it holds (trimmed, expired, Redis restarted empty). The recovery window is thus
 * Kafka's retention. Records are read with the dispatcher's own decoder, so the IDs and envelopes are exactly
 * the ones the Redis log holds or would hold; records the dispatcher dead-letters are skipped here too.
 */
@Component
public class KafkaLog {

    private final String topic;
    private final Properties consumerProperties;
    private final RecordDecoder decoder;
    private final long scanBudget;
    private final Duration timeout;

    public KafkaLog(ConnectionProperties.Kafka kafka, ConnectionProperties.Topic topic,
            ConnectionProperties.Envelope envelope, EdgeProperties edge) {
        this.topic = topic.topic();
        this.decoder = new RecordDecoder(new EnvelopeCodec(new EnvelopeLimits(envelope.maxDataBytes())));
        this.scanBudget = edge.recovery().kafkaScanBudget();
        this.timeout = edge.recovery().kafkaTimeout();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.bootstrapServers()));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-edge-" + edge.nodeId() + "-recovery");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        this.consumerProperties = props;
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
        byte[] key = channel.value().getBytes(StandardCharsets.UTF_8);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
            TopicPartition tp = new TopicPartition(topic, partition != null ? partition : partitionOf(consumer, key));
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long start = after.nextOffset();
            long stop = untilOffset < 0 ? end : Math.min(untilOffset, end);
            int gaps = 0;
            if (start < begin && start < stop) {
                gaps++;
                listener.gap(Position.ofOffset(Math.min(begin, stop) - 1),
                        "kafka no longer holds offset " + start + " of " + tp + " (earliest is " + begin + ")");
                start = begin;
            }
            Position last = after;
            long replayed = 0;
            if (start >= stop) {
                return new Recovery(Recovery.Source.KAFKA, 0, gaps, last);
            }
            consumer.seek(tp, start);
            long scanned = 0;
            long next = start;
            while (next < stop) {
                if (scanned >= scanBudget || System.nanoTime() > deadline) {
                    listener.gap(Position.ofOffset(stop - 1), scanned >= scanBudget
                            ? "gap larger than the kafka scan budget of " + scanBudget + " records"
                            : "kafka read took longer than " + timeout);
                    return new Recovery(Recovery.Source.KAFKA, replayed, gaps + 1, Position.ofOffset(stop - 1));
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= stop) {
                        break;
                    }
                    scanned++;
                    if (!Arrays.equals(key, record.key())) {
                        continue;
                    }
                    LiveMessage entry = decode(record, last);
                    if (entry != null) {
                        listener.entry(entry);
                        last = entry.id();
                        replayed++;
                    }
                }
                // offsets may be missing (compaction, transaction markers): the consumer's position is the truth
                next = consumer.position(tp);
            }
            return new Recovery(Recovery.Source.KAFKA, replayed, gaps, last);
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

    /** The partition Kafka's default partitioner picks for the key, as every Herald producer does. */
    private int partitionOf(KafkaConsumer<byte[], byte[]> consumer, byte[] key) {
        Map<String, List<PartitionInfo>> topics = Map.of(topic, consumer.partitionsFor(topic));
        int partitions = topics.get(topic).size();
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
