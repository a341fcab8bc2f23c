package io.herald.edge.subscription;

import io.herald.core.position.Position;
import io.herald.edge.config.EdgeProperties;
import io.herald.edge.history.ChannelHistory;
import io.herald.edge.history.Recovery;
import io.herald.edge.history.RedisLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs catch-ups on a small shared pool, so that history reads (Redis, then Kafka) never run on a socket or
 * pub/sub thread. A catch-up that fails because Redis or Kafka is unavailable is retried after a pause; the
 * subscription keeps buffering meanwhile and loses nothing.
 */
@Component
public class CatchUpScheduler implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CatchUpScheduler.class);

    private final ChannelHistory history;
    private final RedisLog redisLog;
    private final ScheduledThreadPoolExecutor executor;
    private final long retryMillis;
    private final MeterRegistry meters;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final io.micrometer.core.instrument.Counter liveGaps;
    private final DeliveryMetrics deliveries;

    public CatchUpScheduler(ChannelHistory history, RedisLog redisLog, EdgeProperties properties, MeterRegistry meters,
            DeliveryMetrics deliveries) {
        this.history = history;
        this.redisLog = redisLog;
        this.meters = meters;
        this.deliveries = deliveries;
        this.retryMillis = properties.recovery().retryBackoff().toMillis();
        this.liveGaps = meters.counter("herald.edge.gaps", "detected_by", "prev_mismatch");
        this.executor = new ScheduledThreadPoolExecutor(properties.recovery().threads(), runnable -> {
            Thread thread = new Thread(runnable, "herald-catch-up");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A live message's {@code prev} was not the last delivered position: repair the gap before going on. */
    void gapDetected(ChannelSubscription subscription) {
        liveGaps.increment();
        schedule(subscription);
    }

    void schedule(ChannelSubscription subscription) {
        executor.execute(() -> run(subscription));
    }

    private void run(ChannelSubscription subscription) {
        if (subscription.isClosed()) {
            return;
        }
        try {
            boolean live;
            if (subscription.isFresh()) {
                Position last = redisLog.last(subscription.channel());
                subscription.startAt(last == null ? Position.NONE : last);
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
            if (failing.compareAndSet(true, false)) {
                log.info("catch-ups succeed again");
            }
            if (!live) {
                schedule(subscription);
            }
        } catch (RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                log.warn("catch-up failed, retrying every {} ms until it succeeds channel={} error=\"{}\"",
                        retryMillis, subscription.channel(), e.toString());
            }
            executor.schedule(() -> run(subscription), retryMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
