package io.herald.dispatcher.move;

import io.herald.core.kafka.ChannelPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.SendResult;

/**
 * Moves records that arrived on another partition than their channel's home partition to it. A channel's position
 * is an offset within one partition, so its records must all be on one: the home partition is the one Kafka's Java
 * default partitioner picks for the key ({@link ChannelPartitioner}: murmur2 of the channel name, the rule of
 * ingest, of an edge reading a gap back and of {@code heraldctl}). Producers with another partitioner (librdkafka's
 * {@code consistent_random}: kcat, confluent-kafka-python and -go, node-rdkafka; kafkajs's legacy partitioner; Go's
 * sarama and franz-go defaults) or that name a partition put records elsewhere.
 *
 * <p>A batch's moves are produced, and the batch's consumed offsets committed ({@code sendOffsetsToTransaction}
 * with the consumer's group metadata, which fences a consumer that lost its partitions), in one transaction: the
 * moved copy exists exactly when the original counts as consumed. A dispatcher that dies before the commit leaves
 * an aborted transaction that read_committed readers (the dispatcher, edges, heraldctl) never see, and the original
 * is moved again, with the same envelope (its id was written into it, see {@link Move}).
 */
public final class RecordMover implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordMover.class);
    private static final int LOGGED_MOVES = 5;

    /** Headers on a moved record (values UTF-8): where the original was. */
    public static final String MOVED_FROM_PARTITION = "herald.moved.from.partition";
    public static final String MOVED_FROM_OFFSET = "herald.moved.from.offset";

    private final ProducerFactory<byte[], byte[]> producers;
    private final KafkaTemplate<byte[], byte[]> template;

    /** @param producers a transactional producer factory (acks=all, idempotent), owned and closed by the mover */
    public RecordMover(ProducerFactory<byte[], byte[]> producers) {
        if (!producers.transactionCapable()) {
            throw new IllegalArgumentException("the record mover needs a transactional producer factory");
        }
        this.producers = producers;
        this.template = new KafkaTemplate<>(producers);
    }

    /**
     * A record to move.
     *
     * @param record       the original
     * @param envelopeJson its envelope in canonical form, as the dispatcher decoded it: an id and createdAt the
     *                     original lacked are written in (derived from the original's topic, partition, offset and
     *                     timestamp), so the notification keeps the id it would have had, and a move repeated after
     *                     a crash produces the same notification
     * @param home         the channel's home partition
     */
    public record Move(ConsumerRecord<byte[], byte[]> record, String envelopeJson, int home) {
    }

    /**
     * Writes the cuts of a growth of the topic ({@code core.kafka.LayoutTopic#cutRecord}) and commits the group's
     * offsets at them, in one transaction: a partition's cut is exactly where this consumer stopped applying its
     * records in place, and a consumer that lost the partition meanwhile is fenced, so no other cut can stand.
     *
     * @throws MoveFailedException when the transaction did not commit (it is aborted): nothing written
     */
    public void cut(List<ProducerRecord<byte[], byte[]>> cuts, Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group) {
        try {
            template.executeInTransaction(ops -> {
                cuts.forEach(ops::send);
                ops.sendOffsetsToTransaction(offsets, group);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("cutting partitions for the topic's growth failed, nothing written, the batch will be retried "
                    + "offsets={} error={}", offsets, e.toString());
            throw new MoveFailedException("cutting " + cuts.size() + " partition(s) failed", e);
        }
    }

    /**
     * Produces every move to its home partition and commits {@code offsets} for the group, in one transaction.
     *
     * @return where each moved record now is, in order
     * @throws MoveFailedException when the transaction did not commit (it is aborted): nothing was moved and nothing
     *                             committed; a consumer that lost its partitions (stale group generation) gets it too
     */
    public List<RecordMetadata> move(List<Move> moves, Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group) {
        List<CompletableFuture<SendResult<byte[], byte[]>>> sends;
        try {
            sends = template.executeInTransaction(ops -> {
                List<CompletableFuture<SendResult<byte[], byte[]>>> sent = new ArrayList<>(moves.size());
                for (Move move : moves) {
                    sent.add(ops.send(toRecord(move)));
                }
                ops.sendOffsetsToTransaction(offsets, group);
                return sent;
            });
        } catch (RuntimeException e) {
            log.warn("moving records to their channel's home partition failed, nothing moved or committed, the batch "
                    + "will be retried records={} offsets={} error={}", moves.size(), offsets, e.toString());
            throw new MoveFailedException("moving " + moves.size() + " record(s) to their home partition failed", e);
        }
        // committed: every send was acknowledged (a failed one fails the commit)
        List<RecordMetadata> moved = sends.stream().map(send -> send.join().getRecordMetadata()).toList();
        // one line per batch, not per record: a misconfigured producer may send thousands a second
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(moves.size(), LOGGED_MOVES); i++) {
            ConsumerRecord<byte[], byte[]> original = moves.get(i).record();
            sample.add(original.partition() + ":" + original.offset() + "->" + moved.get(i).partition() + ":"
                    + moved.get(i).offset());
        }
        log.info("records moved to their channel's home partition (their producer does not use Kafka's default "
                        + "partitioner, docs/producers.md) topic={} count={} moves={}{}", moves.get(0).record().topic(),
                moves.size(), sample, moves.size() > LOGGED_MOVES ? " (first " + LOGGED_MOVES + ")" : "");
        return moved;
    }

    private static ProducerRecord<byte[], byte[]> toRecord(Move move) {
        ConsumerRecord<byte[], byte[]> original = move.record();
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.headers()) {
            if (!header.key().equals(MOVED_FROM_PARTITION) && !header.key().equals(MOVED_FROM_OFFSET)) {
                headers.add(header);
            }
        }
        headers.add(MOVED_FROM_PARTITION, Integer.toString(original.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(MOVED_FROM_OFFSET, Long.toString(original.offset()).getBytes(StandardCharsets.UTF_8));
        // the original's timestamp: the apply latency then counts the detour too
        return new ProducerRecord<>(original.topic(), move.home(), original.timestamp() >= 0 ? original.timestamp() : null,
                original.key(), move.envelopeJson().getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Closes the producers (an open transaction is aborted by the broker, or by the next producer of its id). */
    @Override
    public void close() {
        producers.reset();
    }
}
