package io.herald.core.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's view of the topic's {@link TopicLayout}, read again every {@code period} on a daemon thread, so that a
 * growth ({@code heraldctl topic grow}) reaches every process within a period, with no restart. A read that fails
 * keeps the last layout (a growth only ever adds to it) and is logged once until one succeeds again.
 *
 * <p>Nothing is assumed before the first read: {@link #current()} reads on the caller's thread until one succeeded
 * (a guessed partition count would put channels in the wrong partitions), and throws while Kafka does not answer.
 *
 * <p>A pinning watch (the dispatcher's) that finds no layout written writes the topic's partition count as generation 0
 * ({@code <topic>.layout} created if missing, as {@code heraldctl topic grow} creates it). From then on partitions
 * added by other means ({@code kafka-topics.sh --alter}) lie outside the layout, which the dispatcher holds back with
 * a WARN, instead of being taken for partitions the topic always had: that would move channels to other partitions
 * with positions that do not continue their history. Failing to pin is logged and tried again at the next refresh,
 * unless Kafka refused the rights it needs (create the topic, write to it): then the layout stays read as before.
 */
public final class LayoutWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LayoutWatch.class);

    private final String topic;
    private final boolean pin;
    private final LayoutTopic.Reader reader;
    private final ScheduledExecutorService timer;
    private volatile TopicLayout current;
    private volatile boolean failing;
    private boolean pinFailed;
    private boolean pinRefused;

    /** Reads the layout in the background right away, then every {@code period}. */
    public LayoutWatch(Map<String, Object> clientConfig, String topic, Duration period, Duration timeout) {
        this(clientConfig, topic, period, timeout, false);
    }

    /** ... and, when {@code pin}, writes the partition count as generation 0 while no layout is written. */
    public LayoutWatch(Map<String, Object> clientConfig, String topic, Duration period, Duration timeout, boolean pin) {
        this.topic = topic;
        this.pin = pin;
        this.reader = new LayoutTopic.Reader(clientConfig, topic, timeout);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-layout-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The layout as last read; read now when no read succeeded yet. Throws when Kafka does not answer then. */
    public TopicLayout current() {
        TopicLayout layout = current;
        return layout != null ? layout : refresh();
    }

    /**
     * Reads the layout now, on the caller's thread: for a partition the last read did not know (a producer that saw
     * the growth's new partitions first). Throws when Kafka does not answer.
     */
    public synchronized TopicLayout refresh() {
        TopicLayout before = current;
        // never go back: what this process wrote itself may not be readable yet (a transaction's markers)
        TopicLayout fresh = reader.read();
        if (pin && !reader.written()) {
            pin(fresh);
        }
        TopicLayout read = before == null ? fresh : fresh.merge(before);
        current = read;
        if (!read.equals(before)) {
            log.info("topic layout topic={} generations={} partitions={} cuts={} sealed={}", topic,
                    read.generations().size(), read.partitions(), read.newest().cuts(), read.sealed());
        }
        return read;
    }

    /**
     * Takes what this process wrote itself (a cut) into the view at once; returns the view. A cut the view knows
     * already stands: another dispatcher cut the partition first.
     */
    public synchronized TopicLayout learned(TopicLayout written) {
        TopicLayout layout = current == null ? written : current.merge(written);
        current = layout;
        return layout;
    }

    /** The layout, refreshed first when it does not know {@code partition} yet. */
    public TopicLayout knowing(int partition) {
        TopicLayout layout = current();
        return partition < layout.partitions() ? layout : refresh();
    }

    /** Tried at each refresh until it succeeds, unless Kafka refuses the rights it needs (then never again). */
    private void pin(TopicLayout layout) {
        if (pinRefused) {
            return;
        }
        try {
            reader.pin(layout);
            log.info("topic layout pinned at the topic's partition count, so that partitions added other than by heraldctl "
                    + "topic grow are held back topic={} partitions={}", topic, layout.partitions());
        } catch (KafkaException e) {
            pinRefused = refused(e);
            if (!pinFailed || pinRefused) {
                pinFailed = true;
                log.warn("topic layout not pinned{} (partitions added with kafka-topics.sh --alter would not be told from "
                        + "the topic's own) topic={} error=\"{}\"", pinRefused ? ", not tried again" : ", tried again",
                        topic, e.toString());
            }
        }
    }

    private static boolean refused(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthorizationException) {
                return true;
            }
        }
        return false;
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
        synchronized (this) { // not while a refresh uses the clients
            reader.close();
        }
    }
}
