package io.herald.edge.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread between the node's pub/sub connection and its sessions. The connection's thread only queues what it
 * receives, so reading from Redis (and the health canary) never waits on socket writes; this thread takes
 * everything queued at once and hands it over as one batch. A node keeping up sees batches of one; a node falling
 * behind sees larger ones, and each session then takes several frames in one socket write: the busier the node,
 * the cheaper each delivery ("smart batching").
 *
 * <p>The queue is bounded. Past {@code maxQueued} a received message is dropped and counted, never blocking the
 * connection's thread; subscriptions see the hole by {@code prev} at their next message (or the tail check, when
 * nothing follows) and read it back from the log.
 */
final class FanOut<T> {

    private static final Logger log = LoggerFactory.getLogger(FanOut.class);
    private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final BlockingQueue<T> queue;
    private final int maxBatch;
    private final Consumer<List<T>> handler;
    private final Runnable onDrop;
    private final Thread thread;
    private long dropped;
    private long lastDropLogNanos;
    private volatile boolean stopped;

    FanOut(String name, int maxQueued, int maxBatch, Consumer<List<T>> handler, Runnable onDrop) {
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        this.maxBatch = maxBatch;
        this.handler = handler;
        this.onDrop = onDrop;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues an item without blocking; called by one thread (the connection's), hence the unsynchronised counters. */
    void offer(T item) {
        if (queue.offer(item)) {
            return;
        }
        onDrop.run();
        dropped++;
        long now = System.nanoTime();
        if (now - lastDropLogNanos > DROP_LOG_INTERVAL_NANOS) {
            lastDropLogNanos = now;
            log.warn("fan-out behind, dropping live messages (subscriptions read them back from the log) "
                    + "queued={} droppedSoFar={}", queue.size(), dropped);
        }
    }

    int queued() {
        return queue.size();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    private void run() {
        List<T> batch = new ArrayList<>(maxBatch);
        while (!stopped) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            try {
                handler.accept(batch);
            } catch (RuntimeException e) {
                log.error("fan-out batch failed messages={}", batch.size(), e);
            }
            batch.clear();
        }
    }
}
