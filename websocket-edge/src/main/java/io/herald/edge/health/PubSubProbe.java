package io.herald.edge.health;

import io.herald.edge.config.EdgeProperties;
import io.herald.edge.pubsub.PubSubHub;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The {@code pubsub} health component, a liveness probe of the node's pub/sub subscription: every
 * {@code interval} a canary is PUBLISHed (through the command connection) on this node's canary channel,
 * {@code herald:canary:<node id>}, to which the node's own pub/sub connection is subscribed. The component is
 * DOWN while that connection is down, and when no canary published within {@code timeout} came back: a stuck
 * or silently dropped subscription turns the node unhealthy instead of delivering nothing. It is UP again as
 * soon as a canary makes the round trip. An overdue canary also re-issues the canary SUBSCRIBE, which repairs
 * a subscription Redis dropped while the connection stayed up.
 *
 * <p>Meters: {@code herald.edge.pubsub.canary.age} [{@code herald_edge_pubsub_canary_age_seconds}], seconds since
 * the last canary that came back was published (alert above the timeout).
 */
@Component("pubsubHealthIndicator")
public class PubSubProbe implements HealthIndicator, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PubSubProbe.class);

    private final PubSubHub hub;
    private final StatefulRedisConnection<String, String> redis;
    private final String channel;
    private final String instance = UUID.randomUUID().toString();
    private final Duration interval;
    private final Duration timeout;
    private final long startedNanos = System.nanoTime();
    /** {@link System#nanoTime()} when the newest canary that came back was published. */
    private final AtomicLong lastReturnedSentNanos = new AtomicLong(startedNanos);
    private final AtomicLong lastRoundTripNanos = new AtomicLong(-1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "herald-pubsub-canary");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;
    private volatile boolean down;

    public PubSubProbe(PubSubHub hub, StatefulRedisConnection<String, String> redis, EdgeProperties edge,
            HealthProperties properties, MeterRegistry meters) {
        this.hub = hub;
        this.redis = redis;
        this.channel = "herald:canary:" + edge.nodeId();
        this.interval = properties.canary().interval();
        this.timeout = properties.canary().timeout();
        Gauge.builder("herald.edge.pubsub.canary.age", this,
                        probe -> (System.nanoTime() - probe.lastReturnedSentNanos.get()) / 1e9)
                .description("Seconds since the last canary that came back through the pub/sub connection was published")
                .baseUnit("seconds").register(meters);
    }

    @Override
    public Health health() {
        long now = System.nanoTime();
        long age = now - lastReturnedSentNanos.get();
        Health.Builder health;
        if (!hub.isConnected()) {
            health = Health.down().withDetail("error", "the pub/sub connection to Redis is down");
        } else if (age > timeout.toNanos()) {
            health = Health.down().withDetail("error", "no canary published in the last " + timeout.toMillis()
                    + " ms came back through the pub/sub subscription");
        } else {
            health = Health.up();
        }
        long roundTrip = lastRoundTripNanos.get();
        return health.withDetail("channel", channel)
                .withDetail("lastCanaryAgeMs", age / 1_000_000)
                .withDetail("lastRoundTripMs", roundTrip < 0 ? null : roundTrip / 1_000_000.0)
                .withDetail("reconnects", (long) hub.reconnects())
                .build();
    }

    private void received(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0 || !payload.substring(0, colon).equals(instance)) {
            return; // another node configured with the same node id
        }
        long sent;
        try {
            sent = Long.parseLong(payload.substring(colon + 1));
        } catch (NumberFormatException e) {
            return;
        }
        lastReturnedSentNanos.accumulateAndGet(sent, Math::max);
        lastRoundTripNanos.set(System.nanoTime() - sent);
    }

    private void tick() {
        long now = System.nanoTime();
        boolean overdue = now - lastReturnedSentNanos.get() > timeout.toNanos() || !hub.isConnected();
        if (overdue != down) {
            down = overdue;
            if (overdue) {
                log.warn("pub/sub probe failing: no canary came back within {} ms channel={} connected={}",
                        timeout.toMillis(), channel, hub.isConnected());
            } else {
                log.info("pub/sub probe passing again channel={}", channel);
            }
        }
        if (overdue && hub.isConnected()) {
            hub.subscribeCanary(channel, this::received);
        }
        redis.async().publish(channel, instance + ":" + now);
    }

    @Override
    public void start() {
        hub.subscribeCanary(channel, this::received);
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.debug("canary not published error=\"{}\"", e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        running = true;
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
