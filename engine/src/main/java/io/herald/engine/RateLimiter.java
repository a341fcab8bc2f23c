package io.herald.engine;

/**
 * Keeps an operation below a number of records per second, so that a restore or a replay of millions of
 * records does not starve the dispatcher and the edges of Redis. Not thread-safe: one per operation.
 */
public final class RateLimiter {

    private final long perSecond;
    private final long startNanos = System.nanoTime();
    private long permits;

    /** @param perSecond records per second; 0 or less means unlimited */
    public RateLimiter(long perSecond) {
        this.perSecond = perSecond;
    }

    /** Blocks until {@code n} more records fit in the rate. */
    public void acquire(long n) throws InterruptedException {
        if (perSecond <= 0) {
            return;
        }
        permits += n;
        long dueNanos = startNanos + permits * 1_000_000_000L / perSecond;
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            // pacing is the point here: the operation must not run faster than the operator allowed
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
