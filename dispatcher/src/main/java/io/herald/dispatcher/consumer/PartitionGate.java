package io.herald.dispatcher.consumer;

import io.herald.core.kafka.LayoutWatch;
import io.herald.core.kafka.TopicLayout;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Holds back the partitions a growth of the topic created ({@link TopicLayout}) until their records may be applied:
 * the growth is sealed, and the group has committed the partition they take their channels from up to the growth's
 * cut. A moved channel's records in its old partition are thus all applied before its first one in the new
 * partition, whichever dispatcher holds which partition. A partition the layout does not name yet (the partitions
 * exist, this process has not read the growth yet) is held back too.
 *
 * <p>Held partitions are paused as they are assigned, inside the rebalance, before the poll that follows fetches
 * anything of them, and the container is asked to keep them paused (also across the error handler's whole-batch
 * retries, which pause and resume the whole assignment). {@link #check} finds them ready and lifts the container's
 * pause; the consumer's own pause is lifted on the consumer's thread, by its next batch or idle event
 * ({@link #resumeReleased}): a consumer is not thread-safe, and the container resumes only what it paused itself.
 *
 * <p>Owns {@code admin} (closed with the gate).
 */
final class PartitionGate implements ConsumerAwareRebalanceListener, ApplicationListener<ListenerContainerIdleEvent>,
        AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionGate.class);

    private final LayoutWatch layout;
    private final Admin admin;
    private final String group;
    private final Duration timeout;
    /** Partitions found ready once: they stay so (a layout only grows, committed offsets only rise). */
    private final Set<TopicPartition> ready = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> held = ConcurrentHashMap.newKeySet();
    /** Ready, the container's pause lifted, the consumer's still to lift on its thread. */
    private final Set<TopicPartition> released = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "herald-partition-gate");
        thread.setDaemon(true);
        return thread;
    });
    private volatile MessageListenerContainer container;

    PartitionGate(LayoutWatch layout, Admin admin, String group, Duration period, Duration timeout) {
        this.layout = layout;
        this.admin = admin;
        this.group = group;
        this.timeout = timeout;
        timer.scheduleWithFixedDelay(this::checkQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The container whose partitions this gate pauses and resumes. */
    void attach(MessageListenerContainer container) {
        this.container = container;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            if (!readyOrUnknown(partition)) {
                consumer.pause(List.of(partition)); // now: the poll under way must not fetch it
                container.pausePartition(partition); // and from now on, whatever resumes the assignment
                if (held.add(partition)) {
                    logHeld(partition);
                }
            }
        }
    }

    /**
     * A growth's partition waits for its cut: INFO. One the layout does not name at all was added without heraldctl
     * (or this process has not read the growth yet): WARN, its records are not applied until the layout names it.
     */
    private void logHeld(TopicPartition partition) {
        TopicLayout current;
        try {
            current = layout.current();
        } catch (RuntimeException e) {
            return; // readyOrUnknown logged it
        }
        if (partition.partition() >= current.partitions()) {
            log.warn("partition not in the topic's layout, held back: its records are not applied (partitions added "
                    + "without heraldctl topic grow? docs/operations.md, 'Growing the topic') partition={} "
                    + "layoutPartitions={}", partition, current.partitions());
        } else {
            log.info("partition held back until the growth that created it is sealed and its source partition is "
                    + "applied up to the cut partition={}", partition);
        }
    }

    /** Held when the layout cannot be read now (Kafka away): the periodic check releases it later. */
    private boolean readyOrUnknown(TopicPartition partition) {
        try {
            return isReady(partition, null);
        } catch (RuntimeException e) {
            log.warn("topic layout not read, partition held back partition={} error=\"{}\"", partition, e.toString());
            return false;
        }
    }

    /** Lifts the consumer's pause of the released partitions it holds; called on the consumer's thread. */
    void resumeReleased(Consumer<?, ?> consumer) {
        if (released.isEmpty()) {
            return;
        }
        Set<TopicPartition> paused = consumer.paused();
        for (TopicPartition partition : Set.copyOf(released)) {
            if (paused.contains(partition)) {
                consumer.resume(List.of(partition));
                released.remove(partition);
            }
        }
    }

    /** An idle consumer has no batch to lift the pause from: its idle event does. */
    @Override
    public void onApplicationEvent(ListenerContainerIdleEvent event) {
        Consumer<?, ?> consumer = event.getConsumer();
        if (consumer != null) {
            resumeReleased(consumer);
        }
    }

    /** Whether the listener may apply records of {@code partition}. */
    boolean isReady(TopicPartition partition) {
        return ready.contains(partition);
    }

    /** Resumes the held partitions that became ready. */
    void check() {
        if (held.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("committed offsets not read, held partitions stay held group={}", group, e);
            return;
        }
        for (TopicPartition partition : Set.copyOf(held)) {
            if (isReady(partition, committed)) {
                held.remove(partition);
                released.add(partition);
                container.resumePartition(partition);
                log.info("partition released: its source partition is applied up to the growth's cut partition={}",
                        partition);
            }
        }
    }

    /**
     * @param committed the group's committed offsets, or null when not read (then a partition that needs them is not
     *                  ready yet: asking inside a rebalance would hold it up)
     */
    private boolean isReady(TopicPartition partition, Map<TopicPartition, OffsetAndMetadata> committed) {
        if (ready.contains(partition)) {
            return true;
        }
        TopicLayout current = layout.current();
        int p = partition.partition();
        if (p >= current.partitions() || !current.sealed(p)) {
            return false;
        }
        int source = current.source(p);
        if (source >= 0 && current.sourceCut(p) > 0) { // an empty source needs nothing applied first
            OffsetAndMetadata done = committed == null ? null
                    : committed.get(new TopicPartition(partition.topic(), source));
            if (done == null || done.offset() < current.sourceCut(p)) {
                return false;
            }
        }
        ready.add(partition);
        return true;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("held partitions not checked error=\"{}\"", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }
}
