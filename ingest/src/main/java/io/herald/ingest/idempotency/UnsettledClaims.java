package io.herald.ingest.idempotency;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Claims this node took (or may have taken) whose outcome Redis could not be told: a result not recorded, a
 * release not done, a claim whose reply never came. Only this node knows the outcome, so it keeps them and
 * settles them, oldest first, as soon as Redis answers again; until then a retry of the key gets 409 "still
 * waiting", which is the truth. Without this a key stayed pending until its TTL (3 min by default) while its
 * producer, told to retry, gave up (issue 17, item 6).
 *
 * <p>Held in memory only: a node that dies loses them, and its claims wait for their TTL, as before. An entry
 * older than the pending TTL is dropped (its claim expired in Redis anyway). The queue is bounded and, once full,
 * takes nothing more rather than evicting: the oldest entries are the results of requests in flight when Redis
 * went away, the ones a retry needs, while a long outage mostly adds releases of claims that were never written.
 * One last attempt is made when the node shuts down.
 */
@Component
public class UnsettledClaims implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(UnsettledClaims.class);
    /** Often enough that a retry told "Retry-After: 2" finds its key settled; an attempt is one Redis call. */
    private static final Duration INTERVAL = Duration.ofMillis(200);
    /** Entries kept at most, a few hundred bytes each: a few MB however long Redis stays away. */
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Settlement.Pending pending, long addedNanos) {
    }

    private final Settlement settlement;
    private final IdempotencyProperties properties;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "idempotency-settler");
        thread.setDaemon(true);
        return thread;
    });

    public UnsettledClaims(Settlement settlement, IdempotencyProperties properties) {
        this.settlement = settlement;
        this.properties = properties;
        scheduler.scheduleWithFixedDelay(this::settleAll, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    void add(Settlement.Pending pending) {
        if (size.incrementAndGet() > MAX_ENTRIES) {
            size.decrementAndGet();
            // once per episode: a long outage can refuse thousands
            if (dropped.getAndIncrement() == 0) {
                log.warn("too many unsettled idempotency claims, keeping no more until redis answers: their keys may "
                        + "stay pending until their TTL maxEntries={} pendingTtl={}", MAX_ENTRIES, properties.pendingTtl());
            }
            return;
        }
        queue.add(new Entry(pending, System.nanoTime()));
    }

    private void settleAll() {
        int settled = 0;
        long expired = System.nanoTime() - properties.pendingTtl().toNanos();
        for (Entry entry = queue.peek(); entry != null; entry = queue.peek()) {
            if (entry.addedNanos() - expired > 0) {
                try {
                    settlement.settle(entry.pending());
                    settled++;
                } catch (IdempotencyRedis.Unavailable e) {
                    // still away: the next round tries again, in the same order
                    break;
                } catch (RuntimeException e) {
                    log.error("idempotency claim could not be settled, dropping it key={}", entry.pending().redisKey(), e);
                }
            }
            // this thread alone takes entries out, so the head is still the entry just handled
            queue.poll();
            size.decrementAndGet();
        }
        if (settled > 0) {
            log.info("idempotency claims settled after redis came back settled={} waiting={} notKept={}", settled,
                    size.get(), dropped.getAndSet(0));
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        scheduler.shutdown();
        if (scheduler.awaitTermination(INTERVAL.toMillis() * 10, TimeUnit.MILLISECONDS)) {
            settleAll();
        }
        if (size.get() > 0) {
            log.warn("shutting down with unsettled idempotency claims: their keys stay pending until their TTL "
                    + "unsettled={} pendingTtl={}", size.get(), properties.pendingTtl());
        }
    }
}
