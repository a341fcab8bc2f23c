package io.herald.edge.health;

import io.herald.edge.delivery.PubSubHub;
import io.herald.edge.settings.EdgeProperties;
import io.herald.redis.RedisKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * The {@code pubsub} health component, a liveness probe of the node's pub/sub subscriptions: every
 * {@code interval} a canary is published, the way the dispatcher publishes live messages, on each of this node's
 * canary channels, to which the node's own pub/sub is subscribed: {@code herald:canary:<node id>} on a single
 * connection; on a Redis Cluster one per shard, {@code herald:canary:<node id>:{s<n>}} with a hash tag whose slot
 * a different primary served when the node started (the canary follows its slot through failovers and moves,
 * as every channel does). The component is DOWN while the pub/sub is not fully connected, and when, on any canary
 * channel, no canary published within {@code timeout} came back: a stuck or silently dropped subscription turns
 * the node unhealthy instead of delivering nothing. It is UP again as soon as every canary makes the round trip.
 * An overdue canary also re-issues its subscription, which repairs one Redis dropped while the connection stayed up.
 *
 * <p>Meters: {@code herald.edge.pubsub.canary.age} [{@code herald_edge_pubsub_canary_age_seconds}], seconds since
 * the last canary that came back was published, on the canary channel that is furthest behind (alert above the
 * timeout).
 */
@Component("pubsubHealthIndicator")
public class PubSubProbe implements HealthIndicator, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PubSubProbe.class);

    private final PubSubHub hub;
    private final String base;
    private volatile List<String> channels = List.of();
    private final String instance = UUID.randomUUID().toString();
    private final Duration interval;
    private final Duration timeout;
    private final long startedNanos = System.nanoTime();
    /** Per canary channel, {@link System#nanoTime()} when the newest canary that came back was published. */
    private final Map<String, AtomicLong> lastReturnedSentNanos = new ConcurrentHashMap<>();
    private final AtomicLong lastRoundTripNanos = new AtomicLong(-1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "herald-pubsub-canary");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;
    private volatile boolean down;

    public PubSubProbe(PubSubHub hub, EdgeProperties edge, HealthProperties properties, MeterRegistry meters) {
        this.hub = hub;
        this.base = RedisKeys.canary(edge.nodeId());
        this.interval = properties.canary().interval();
        this.timeout = properties.canary().timeout();
        Gauge.builder("herald.edge.pubsub.canary.age", this,
                        probe -> (System.nanoTime() - probe.oldestReturnedSentNanos()) / 1e9)
                .description("Seconds since the last canary that came back through the pub/sub was published, "
                        + "on the canary channel furthest behind")
                .baseUnit("seconds").register(meters);
    }

    @Override
    public Health health() {
        long now = System.nanoTime();
        long age = now - oldestReturnedSentNanos();
        Health.Builder health;
        if (!hub.isConnected()) {
            health = Health.down().withDetail("error", "the pub/sub connection to Redis is down"
                    + " (on a cluster: a subscribed channel has no open connection to its slot's primary)");
        } else if (age > timeout.toNanos()) {
            health = Health.down().withDetail("error", "no canary published in the last " + timeout.toMillis()
                    + " ms came back through the pub/sub subscription on " + overdueChannels(now));
        } else {
            health = Health.up();
        }
        long roundTrip = lastRoundTripNanos.get();
        return health.withDetail("channel", channels.size() == 1 ? channels.get(0) : channels)
                .withDetail("lastCanaryAgeMs", age / 1_000_000)
                .withDetail("lastRoundTripMs", roundTrip < 0 ? null : roundTrip / 1_000_000.0)
                .withDetail("reconnects", (long) hub.reconnects())
                .build();
    }

    /** The oldest of the per-channel "newest canary back" times: the canary channel furthest behind. */
    private long oldestReturnedSentNanos() {
        long oldest = Long.MAX_VALUE;
        for (String channel : channels) {
            oldest = Math.min(oldest, lastReturnedSentNanos.get(channel).get());
        }
        return oldest == Long.MAX_VALUE ? startedNanos : oldest;
    }

    private List<String> overdueChannels(long now) {
        return channels.stream().filter(c -> now - lastReturnedSentNanos.get(c).get() > timeout.toNanos()).toList();
    }

    private void received(String channel, String payload) {
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
        lastReturnedSentNanos.get(channel).accumulateAndGet(sent, Math::max);
        lastRoundTripNanos.set(System.nanoTime() - sent);
    }

    private void tick() {
        long now = System.nanoTime();
        List<String> overdueChannels = overdueChannels(now);
        boolean overdue = !overdueChannels.isEmpty() || !hub.isConnected();
        if (overdue != down) {
            down = overdue;
            if (overdue) {
                log.warn("pub/sub probe failing: no canary came back within {} ms channels={} connected={}",
                        timeout.toMillis(), overdueChannels, hub.isConnected());
            } else {
                log.info("pub/sub probe passing again channels={}", channels);
            }
        }
        for (String channel : channels) {
            if (overdueChannels.contains(channel) && hub.isConnected()) {
                subscribe(channel);
            }
            hub.publishCanary(channel, instance + ":" + now);
        }
    }

    private void subscribe(String channel) {
        hub.subscribeCanary(channel, payload -> received(channel, payload));
    }

    @Override
    public void start() {
        List<String> canaries = hub.canaryChannels(base);
        canaries.forEach(channel -> lastReturnedSentNanos.put(channel, new AtomicLong(startedNanos)));
        channels = canaries;
        canaries.forEach(this::subscribe);
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
