package io.herald.core.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The one way Herald reads a stretch of a partition: by assignment (no group, nothing committed), from an offset up
 * to an offset, every record in order. The edge's catch-ups from Kafka and the engine's scans (restore, replay,
 * dead letters, the dispatcher's dataset repair) differ only in what they do with a record and in when they give up,
 * which the caller says with a {@link Handler} and a {@link Watch}.
 *
 * <p>Progress is the consumer's position, not the last record's offset: offsets may hold no record a reader is
 * given (transaction markers, aborted or compacted records), and the position moves past them.
 */
public final class PartitionReader {

    private static final Duration POLL = Duration.ofMillis(200);

    /** Receives the records of the stretch, in offset order. */
    @FunctionalInterface
    public interface Handler {
        void accept(ConsumerRecord<byte[], byte[]> record) throws InterruptedException;
    }

    /**
     * Asked before every poll whether to go on. It may also throw, to fail the read.
     */
    @FunctionalInterface
    public interface Watch {

        /**
         * @param position the offset the read has reached: every offset below it was handed over or holds no record
         * @return false to stop here
         */
        boolean proceed(long position) throws InterruptedException;
    }

    private PartitionReader() {
    }

    /**
     * Hands every record of {@code [from, to)} to the handler, in order, until the watch says to stop.
     *
     * @return the position reached: {@code to} when the whole stretch was read, less when the watch stopped it
     */
    public static long read(Consumer<byte[], byte[]> consumer, TopicPartition partition, long from, long to,
            Handler handler, Watch watch) throws InterruptedException {
        long position = from;
        if (from >= to) {
            return position;
        }
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        while (position < to) {
            if (!watch.proceed(position)) {
                return position;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= to) {
                    break;
                }
                handler.accept(record);
            }
            position = Math.min(consumer.position(partition), to);
        }
        return position;
    }
}
