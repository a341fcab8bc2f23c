package io.herald.bench.publish;

import java.util.concurrent.CompletionStage;
import org.HdrHistogram.Histogram;

/** Sends one measured message into the system under test (Redis, or Kafka), without waiting. */
public interface Publisher extends AutoCloseable {

    /** Prepares the target (loads a script, creates a topic); called once before the first message. */
    default void prepare() throws Exception {
    }

    /**
     * Publishes message {@code seq} stamped {@code micros}. {@code channelIndex} picks the channel when the scenario
     * has one channel per client; a broadcast scenario passes 0.
     */
    CompletionStage<?> publish(long seq, long micros, int channelIndex);

    /**
     * Microseconds from each message's stamp to the target's acknowledgement of it, since the last call; null when the
     * target acknowledges nothing worth a stage of its own (Redis: the publish is the delivery's first step).
     */
    default Histogram takeAckLatencies() {
        return null;
    }

    /** Sends what is buffered (publishers that batch) . */
    default void flush() {
    }

    @Override
    void close();
}
