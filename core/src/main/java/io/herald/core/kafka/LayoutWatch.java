package io.herald.core.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's view of the topic's {@link TopicLayout}, read again every {@code period} on a daemon thread, so that a
 * growth ({@code heraldctl topic grow}) reaches every process within a period, with no restart. A read that fails
 * keeps the last layout (a growth only ever adds to it) and is logged once until one succeeds again.
 *
 * <p>Until the first read succeeds the layout is the topic as configured, without growth: a process that cannot
 * reach Kafka at start-up cannot produce, apply or read anything that a growth would change either.
 */
public final class LayoutWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LayoutWatch.class);

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private volatile TopicLayout current;
    private volatile boolean failing;

    /**
     * Reads the layout once in the background right away, then every {@code period}.
     *
     * @param partitions the topic's partition count as configured, the layout until the first read
     */
    public LayoutWatch(Map<String, Object> clientConfig, String topic, int partitions, Duration period,
            Duration timeout) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.timeout = timeout;
        this.current = TopicLayout.of(topic, partitions);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-layout-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The layout as last read. */
    public TopicLayout current() {
        return current;
    }

    /**
     * Reads the layout now, on the caller's thread: for a partition the last read did not know (a producer that saw
     * the growth's new partitions first). Throws when Kafka does not answer.
     */
    public TopicLayout refresh() {
        TopicLayout read = LayoutTopic.read(clientConfig, topic, timeout);
        TopicLayout before = current;
        if (read.generations().size() < before.generations().size()) {
            return before; // never go back: a compacted topic being read while written may show less for a moment
        }
        current = read;
        if (!read.equals(before)) {
            log.info("topic layout topic={} generations={} partitions={} sealedPartitions={}", topic,
                    read.generations().size(), read.partitions(), read.current().partitions());
        }
        return read;
    }

    /** The layout, refreshed first when it does not know {@code partition} yet. */
    public TopicLayout knowing(int partition) {
        TopicLayout layout = current;
        return partition < layout.partitions() ? layout : refresh();
    }

    private void refreshQuietly() {
        try {
            refresh();
            if (failing) {
                failing = false;
                log.info("topic layout read again topic={}", topic);
            }
        } catch (KafkaException | IllegalArgumentException e) {
            if (!failing) {
                failing = true;
                log.warn("topic layout not read, keeping the last one topic={} error=\"{}\"", topic, e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
