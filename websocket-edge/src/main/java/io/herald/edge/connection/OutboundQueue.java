package io.herald.edge.connection;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;

/**
 * What a client has not taken yet, with the limits both transports hold it to: past {@code maxBytes} queued, or
 * once the client has taken nothing for {@code maxDelayNanos} (a WebSocket write in flight, an event stream's output
 * not ready), the connection is too slow and its owner ends it; the client resumes from its last position and loses
 * nothing. A long replay waits for room ({@link #awaitRoom}) instead of overflowing the queue.
 *
 * <p>Not thread-safe: its owner calls it holding its own lock, the one it passes to {@link #awaitRoom} and on which
 * it calls {@code notifyAll()} whenever the queue shrinks or the connection ends.
 *
 * @param <T> what is queued (shared frames, encoded events)
 */
public final class OutboundQueue<T> {

    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final ToIntFunction<T> sizeOf;
    private final long maxBytes;
    private final long maxDelayNanos;
    private long bytes;
    private boolean stalled;
    private long stalledSinceNanos;

    /**
     * @param maxBytes      queued bytes beyond which the connection is too slow
     * @param maxDelayNanos how long the client may take nothing before it is too slow; also how long
     *                      {@link #awaitRoom} waits
     * @param sizeOf        an item's size in bytes
     */
    public OutboundQueue(long maxBytes, long maxDelayNanos, ToIntFunction<T> sizeOf) {
        this.maxBytes = maxBytes;
        this.maxDelayNanos = maxDelayNanos;
        this.sizeOf = sizeOf;
    }

    public void add(T item) {
        items.add(item);
        bytes += sizeOf.applyAsInt(item);
    }

    /** Removes the head (it has been written), or returns null when the queue is empty. */
    public T poll() {
        T item = items.poll();
        if (item != null) {
            bytes -= sizeOf.applyAsInt(item);
        }
        return item;
    }

    /** Copies the items at the head, as many as {@code batch} holds, without removing them; returns how many. */
    public int peek(T[] batch) {
        int count = 0;
        for (T item : items) {
            if (count == batch.length) {
                break;
            }
            batch[count++] = item;
        }
        return count;
    }

    /** Drops everything queued (the connection is ending). */
    public void clear() {
        items.clear();
        bytes = 0;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public long bytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long maxDelayMillis() {
        return maxDelayNanos / 1_000_000;
    }

    /** More is queued than the client may leave untaken. */
    public boolean overBytes() {
        return bytes > maxBytes;
    }

    /** The client stopped taking data at {@code nowNanos}: from here the delay limit runs. */
    public void stalled(long nowNanos) {
        stalled = true;
        stalledSinceNanos = nowNanos;
    }

    /** The client takes data again. */
    public void flowing() {
        stalled = false;
    }

    public boolean isStalled() {
        return stalled;
    }

    /** The client has taken nothing for longer than the delay limit. */
    public boolean stalledTooLong(long nowNanos) {
        return stalled && nowNanos - stalledSinceNanos > maxDelayNanos;
    }

    /** {@link #stalledTooLong(long)} now; reads the clock only while stalled. */
    public boolean stalledTooLong() {
        return stalled && System.nanoTime() - stalledSinceNanos > maxDelayNanos;
    }

    /**
     * Waits on {@code lock}, which the caller holds, until the queue is down to half its byte limit, for at most the
     * delay limit (see {@code FrameSink.awaitCapacity}). True when there is room; false when the connection ended
     * ({@code ended}) or the client did not make room in time, which the caller tells apart by {@code ended}.
     */
    public boolean awaitRoom(Object lock, BooleanSupplier ended) throws InterruptedException {
        long deadline = System.nanoTime() + maxDelayNanos;
        while (!ended.getAsBoolean() && !hasRoom()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            lock.wait(Math.max(1, left / 1_000_000));
        }
        return !ended.getAsBoolean() && hasRoom();
    }

    /** The queue is down to half its byte limit: a replay may add more. */
    public boolean hasRoom() {
        return bytes <= maxBytes / 2;
    }
}
