package io.herald.edge.history;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;

/**
 * A few long-lived Kafka consumers (no group, {@code assign}/{@code seek} only) lent to one history read at a time,
 * instead of a new consumer, with its connections and its page of ConsumerConfig at INFO, for every read. A consumer
 * is not thread-safe, hence the lending; one that failed is closed and replaced on the next loan.
 */
final class KafkaReaders implements AutoCloseable {

    private final Properties properties;
    private final String clientId;
    private final Runnable created;
    private final int size;
    private final Semaphore free;
    private final ConcurrentLinkedQueue<KafkaConsumer<byte[], byte[]>> idle = new ConcurrentLinkedQueue<>();
    private int count;
    private volatile boolean closed;

    /** {@code created} is told of every consumer created (a few per node, more only when some failed). */
    KafkaReaders(Properties properties, int size, Runnable created) {
        this.properties = properties;
        this.created = created;
        this.clientId = properties.getProperty(ConsumerConfig.CLIENT_ID_CONFIG);
        this.size = size;
        this.free = new Semaphore(size);
    }

    /**
     * Builds every consumer of the pool before the first read and has each fetch the topic's metadata. The first
     * catch-up after a Redis outage (every subscription of the node at once, live messages waiting behind it) would
     * otherwise first build them and find the brokers: 1-2.5 s on a loaded 2-core machine (docs/reliability.md).
     * Best effort: while reads are under way it does nothing, and when Kafka does not answer it stops; reads then
     * create consumers as before. It holds every loan while it works, so the pool never exceeds its size.
     */
    void warmUp(String topic, Duration timeout) {
        if (!free.tryAcquire(size)) {
            return;
        }
        try {
            while (!closed && idle.size() < size) {
                KafkaConsumer<byte[], byte[]> consumer = create();
                try {
                    consumer.partitionsFor(topic, timeout);
                } catch (RuntimeException e) {
                    closeNow(consumer);
                    return;
                }
                if (closed) {
                    closeNow(consumer);
                    return;
                }
                idle.add(consumer);
            }
        } finally {
            free.release(size);
        }
    }

    /** Runs {@code read} with a consumer of its own, waiting at most {@code timeoutNanos} for one to be free. */
    <T> T read(long timeoutNanos, Function<KafkaConsumer<byte[], byte[]>, T> read) {
        try {
            if (!free.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
                throw new KafkaException("no kafka reader became free in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for a kafka reader", e);
        }
        KafkaConsumer<byte[], byte[]> consumer = null;
        boolean healthy = false;
        try {
            consumer = idle.poll();
            if (consumer == null) {
                consumer = create();
            }
            T result = read.apply(consumer);
            healthy = true;
            return result;
        } finally {
            try {
                if (consumer != null) {
                    giveBack(consumer, healthy);
                }
            } finally {
                free.release();
            }
        }
    }

    private void giveBack(KafkaConsumer<byte[], byte[]> consumer, boolean healthy) {
        if (healthy && !closed) {
            consumer.unsubscribe(); // drops the assignment and whatever it fetched ahead
            idle.add(consumer);
        } else {
            closeNow(consumer);
        }
    }

    /** Nothing to commit or leave (no group): a consumer whose broker is away would otherwise wait 30 s. */
    private static void closeNow(KafkaConsumer<byte[], byte[]> consumer) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }

    private KafkaConsumer<byte[], byte[]> create() {
        Properties own = new Properties();
        own.putAll(properties);
        synchronized (this) {
            // one client id each: a shared one clashes in JMX
            own.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + count++);
        }
        created.run();
        return new KafkaConsumer<>(own);
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> consumer;
        while ((consumer = idle.poll()) != null) {
            closeNow(consumer);
        }
    }
}
