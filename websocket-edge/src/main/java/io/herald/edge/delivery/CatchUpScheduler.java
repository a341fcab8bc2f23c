package io.herald.edge.delivery;

import io.herald.core.position.Position;
import io.herald.edge.history.ChannelHistory;
import io.herald.edge.history.Recovery;
import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs catch-ups on a small shared pool, so that history reads (Redis, then Kafka) never run on a socket or
 * pub/sub thread. Waiting catch-ups are queued per user and served in turn, at most
 * {@code herald.edge.recovery.per-user-threads} of one user's at once ({@link CatchUpQueue}): one user's backlog
 * (thousands of subscribes that each scan Kafka) delays that user only.
 *
 * <p>A catch-up that fails because Redis or Kafka is unavailable is retried after a pause, the subscription
 * buffering meanwhile; after {@code herald.edge.recovery.max-retries} failures in a row the node gives the
 * subscription up: the client gets {@code error unavailable} for the channel and may subscribe again.
 */
@Component
public class CatchUpScheduler implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CatchUpScheduler.class);

    private final ChannelHistory history;
    private final PubSubHub hub;
    private final CatchUpQueue queue;
    private final ExecutorService workers;
    private final ScheduledExecutorService retries;
    private final long retryMillis;
    private final int maxRetries;
    private final MeterRegistry meters;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final Counter liveGaps;
    private final Counter abandoned;
    private final DeliveryMetrics deliveries;

    public CatchUpScheduler(ChannelHistory history, PubSubHub hub, EdgeProperties properties, MeterRegistry meters,
            DeliveryMetrics deliveries) {
        this.history = history;
        this.hub = hub;
        this.meters = meters;
        this.deliveries = deliveries;
        this.retryMillis = properties.recovery().retryBackoff().toMillis();
        this.maxRetries = properties.recovery().maxRetries();
        this.liveGaps = meters.counter("herald.edge.gaps", "detected_by", "prev_mismatch");
        this.abandoned = meters.counter("herald.edge.catchups.abandoned");
        this.queue = new CatchUpQueue(properties.recovery().perUserThreads());
        Gauge.builder("herald.edge.catchups.waiting", queue, CatchUpQueue::waiting)
                .description("catch-ups waiting for a thread").register(meters);
        int threads = properties.recovery().threads();
        this.workers = Executors.newFixedThreadPool(threads, daemon("herald-catch-up"));
        for (int i = 0; i < threads; i++) {
            workers.execute(this::work);
        }
        this.retries = Executors.newSingleThreadScheduledExecutor(daemon("herald-catch-up-retry"));
    }

    /** A live message did not continue the last delivered position: repair the gap before going on. */
    void gapDetected(ChannelSubscription subscription) {
        liveGaps.increment();
        schedule(subscription);
    }

    void schedule(ChannelSubscription subscription) {
        queue.add(subscription);
    }

    private void work() {
        while (true) {
            ChannelSubscription next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return; // shutting down
            }
            if (next == null) {
                return;
            }
            try {
                run(next);
            } finally {
                queue.done(next.owner());
            }
        }
    }

    private void run(ChannelSubscription subscription) {
        if (subscription.isClosed()) {
            return;
        }
        try {
            boolean live;
            if (subscription.isFresh()) {
                if (subscription.catchUpFrom() == null) {
                    CompletableFuture<Position> end = history.end(subscription.channel());
                    if (!end.isDone()) {
                        // Kafka must be asked: the thread serves other catch-ups meanwhile, and the answer puts
                        // this one back in the queue
                        end.whenComplete((position, error) -> started(subscription, position, error));
                        return;
                    }
                    subscription.startAt(end.join());
                }
                live = subscription.finishCatchUp(0, true);
            } else {
                boolean resume = !subscription.isAnswered();
                Recovery recovery = history.after(subscription.channel(), subscription.catchUpFrom(), subscription);
                meters.counter("herald.edge.catchups", "source", recovery.source().name().toLowerCase(),
                        "complete", Boolean.toString(recovery.complete())).increment();
                deliveries.caughtUp(recovery, resume);
                if (!recovery.complete()) {
                    log.warn("gap could not be filled, client told to reset channel={} gaps={} replayed={}",
                            subscription.channel(), recovery.gaps(), recovery.replayed());
                }
                live = subscription.finishCatchUp(recovery.replayed(), recovery.complete());
            }
            subscription.catchUpSucceeded();
            if (failing.compareAndSet(true, false)) {
                log.info("catch-ups succeed again");
            }
            if (!live) {
                schedule(subscription);
            }
        } catch (RuntimeException e) {
            subscription.flush(); // what it read before failing leaves now, not after the retry's pause
            failed(subscription, e);
        }
    }

    /** Kafka told where a fresh subscription starts (on its admin thread: only hands the subscription back). */
    private void started(ChannelSubscription subscription, Position position, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            failed(subscription, cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause));
            return;
        }
        subscription.startAt(position);
        schedule(subscription);
    }

    private void failed(ChannelSubscription subscription, RuntimeException e) {
        int failures = subscription.catchUpFailed();
        if (failures > maxRetries) {
            abandoned.increment();
            log.warn("catch-up gave up, client told unavailable channel={} owner={} attempts={} error=\"{}\"",
                    subscription.channel(), subscription.owner(), failures, e.toString());
            if (subscription.abandon("could not catch up after " + failures + " attempts (history unavailable);"
                    + " subscribe again from your last position")) {
                hub.release(subscription);
            }
            return;
        }
        if (failing.compareAndSet(false, true)) {
            log.warn("catch-up failed, retrying every {} ms up to {} times channel={} error=\"{}\"",
                    retryMillis, maxRetries, subscription.channel(), e.toString());
        }
        try {
            retries.schedule(() -> schedule(subscription), retryMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the node is stopping: its sessions end with it
        }
    }

    @Override
    public void destroy() {
        queue.close();
        retries.shutdownNow();
        workers.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
