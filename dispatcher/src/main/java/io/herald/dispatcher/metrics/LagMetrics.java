package io.herald.dispatcher.metrics;

import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.EngineException;
import io.herald.engine.KafkaAccess;
import io.herald.engine.inspect.GroupLag;
import io.herald.engine.inspect.PartitionLag;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Dispatch lag and dead letters as gauges, read with the admin client every {@code refresh} (Prometheus names
 * in brackets), the same numbers {@code heraldctl status} shows:
 * <ul>
 * <li>{@value #LAG}{@code {partition}} [{@code herald_dispatcher_lag_records}]: records of the partition the
 *     dispatcher group has not committed yet. Every dispatcher instance reports the whole group's lag: take the
 *     max per partition, not the sum.</li>
 * <li>{@value #DEAD_LETTERS} [{@code herald_dispatcher_dead_letters_records}]: records held by the dead-letter topic.</li>
 * </ul>
 * While Kafka cannot be asked the gauges keep their last values and one WARN is logged.
 */
public final class LagMetrics implements SmartLifecycle {

    public static final String LAG = "herald.dispatcher.lag";
    public static final String DEAD_LETTERS = "herald.dispatcher.dead.letters";

    private static final Logger log = LoggerFactory.getLogger(LagMetrics.class);

    private final KafkaAccess kafka;
    private final DeadLetters deadLetters;
    private final String group;
    private final Duration refresh;
    private final MultiGauge lag;
    private final AtomicLong deadLetterCount = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "herald-lag-metrics");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;
    private boolean failing;

    public LagMetrics(MeterRegistry registry, KafkaAccess kafka, DeadLetters deadLetters, String group, Duration refresh) {
        this.kafka = kafka;
        this.deadLetters = deadLetters;
        this.group = group;
        this.refresh = refresh;
        this.lag = MultiGauge.builder(LAG).description("Records the dispatcher group has not committed yet")
                .baseUnit("records").register(registry);
        Gauge.builder(DEAD_LETTERS, deadLetterCount, AtomicLong::get).description("Records in the dead-letter topic")
                .baseUnit("records").register(registry);
    }

    void refresh() {
        try {
            GroupLag current = GroupLag.read(kafka, group);
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (PartitionLag partition : current.partitions()) {
                rows.add(MultiGauge.Row.of(Tags.of("partition", Integer.toString(partition.partition())), partition.lag()));
            }
            lag.register(rows, true);
            deadLetterCount.set(deadLetters.counts().values().stream().mapToLong(Long::longValue).sum());
            if (failing) {
                failing = false;
                log.info("lag metrics refreshed again");
            }
        } catch (EngineException e) {
            if (!running) {
                return; // interrupted by stop(): shutting down, not a Kafka problem
            }
            if (!failing) {
                failing = true;
                log.warn("lag metrics not refreshed, keeping the last values error=\"{}\"", e.getMessage());
            }
        }
    }

    @Override
    public void start() {
        running = true;
        timer.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                log.warn("lag metrics refresh failed error=\"{}\"", EngineException.describe(e));
            }
        }, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
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
