package io.herald.dispatcher.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the dispatcher can currently apply batches to Redis, as seen by its own attempts. Logs once per
 * change of state (not once per retry), so an outage of an hour is two log lines, the second saying how long
 * it lasted. Starts as available: nothing is known before the first attempt.
 */
public final class RedisAvailability {

    private static final Logger log = LoggerFactory.getLogger(RedisAvailability.class);
    private static final long AVAILABLE = Long.MIN_VALUE;

    /** {@link System#nanoTime()} when Redis became unavailable, or {@link #AVAILABLE}. */
    private final AtomicLong unavailableSince = new AtomicLong(AVAILABLE);

    public boolean isAvailable() {
        return unavailableSince.get() == AVAILABLE;
    }

    /** Called after an attempt failed; logs a WARN only on the transition from available. */
    public void unavailable(Throwable error, String context) {
        if (unavailableSince.compareAndSet(AVAILABLE, System.nanoTime())) {
            log.warn("redis unavailable, holding batches and retrying with backoff until it is back {} error={}",
                    context, describe(error));
        }
    }

    /** Called after Redis answered a whole batch; logs an INFO only on the transition from unavailable. */
    public void available() {
        long since = unavailableSince.getAndSet(AVAILABLE);
        if (since != AVAILABLE) {
            log.info("redis available again, batches flowing downtimeMs={}",
                    Duration.ofNanos(System.nanoTime() - since).toMillis());
        }
    }

    /** One line for operators: the innermost cause's type and message, no stack trace. */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.replace('\n', ' '));
    }
}
