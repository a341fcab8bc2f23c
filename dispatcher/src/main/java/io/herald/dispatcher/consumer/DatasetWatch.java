package io.herald.dispatcher.consumer;

import io.herald.dispatcher.apply.BatchApplier;
import io.herald.dispatcher.dataset.DatasetGuard;
import io.herald.dispatcher.dataset.DatasetIdentity;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Looks at the Redis dataset between batches: a dispatcher with no traffic would otherwise notice a failover or a
 * flush only with the next record, and until then the records a new primary lacks would stay missing for the
 * clients that ask for them. Also writes the checkpoints of the last batches, which otherwise wait for the next.
 */
public final class DatasetWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DatasetWatch.class);

    private final BatchApplier applier;
    private final DatasetGuard guard;
    private final DatasetRepair repair;
    private final Duration period;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "herald-dataset-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    public DatasetWatch(BatchApplier applier, DatasetGuard guard, DatasetRepair repair, Duration period) {
        this.applier = applier;
        this.guard = guard;
        this.repair = repair;
        this.period = period;
    }

    void check() throws InterruptedException {
        DatasetIdentity seen = applier.observe();
        if (!seen.equals(guard.verified())) {
            repair.repair(seen);
        }
    }

    @Override
    public void start() {
        running = true;
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // an outage is logged once by the batches (RedisAvailability); this only retries at the next tick
                log.debug("dataset check failed", e);
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        timer.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
