package io.herald.edge.delivery;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.RedisKeys;
import io.herald.edge.settings.EdgeProperties;
import io.lettuce.core.RedisFuture;
import io.herald.redis.CommandConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Catches a silent loss of a channel's newest messages, which {@code prev} checks cannot see (nothing arrives
 * after them). Every few seconds it reads the last position of each channel this node watches, in one
 * pipeline, and asks a subscription to catch up when it still lags behind a position that was already applied
 * at the previous check, on a channel from which the node received nothing in between: a message in flight has
 * had a whole period to arrive, and while messages of the channel still arrive, a lost one shows as a {@code prev}
 * mismatch on the next. The second condition matters under load: a node whose pub/sub connection runs more than
 * a period behind would otherwise send every subscription of a busy channel to the log at once, which is no
 * repair and deepens the overload.
 */
@Component
public class TailCheck implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TailCheck.class);

    private final PubSubHub hub;
    private final CommandConnection redis;
    private final Duration period;
    private final Counter repaired;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "herald-tail-check");
        thread.setDaemon(true);
        return thread;
    });
    private Map<ChannelName, Observation> previous = Map.of();
    private volatile boolean running;

    public TailCheck(PubSubHub hub, CommandConnection redis, EdgeProperties properties,
            MeterRegistry meters) {
        this.hub = hub;
        this.redis = redis;
        this.period = properties.recovery().tailCheck();
        this.repaired = meters.counter("herald.edge.gaps", "detected_by", "tail_check");
    }

    void check() {
        Map<ChannelName, RedisFuture<String>> replies = new HashMap<>();
        for (ChannelName channel : hub.channels()) {
            replies.put(channel, redis.async().hget(RedisKeys.meta(channel), RedisKeys.META_LAST));
        }
        Map<ChannelName, Observation> current = new HashMap<>();
        for (Map.Entry<ChannelName, RedisFuture<String>> reply : replies.entrySet()) {
            try {
                String last = reply.getValue().get(5, TimeUnit.SECONDS);
                if (last != null) {
                    current.put(reply.getKey(), new Observation(Position.parse(last), hub.received(reply.getKey())));
                }
            } catch (Exception e) {
                log.debug("tail check skipped channel={} error=\"{}\"", reply.getKey(), e.toString());
                return; // Redis is away: the pub/sub reconnect triggers catch-ups when it is back
            }
        }
        for (Map.Entry<ChannelName, Observation> seen : previous.entrySet()) {
            Position applied = seen.getValue().applied();
            if (hub.received(seen.getKey()) != seen.getValue().received()) {
                continue; // messages still arrive: prev checks see a loss
            }
            for (ChannelSubscription subscription : hub.subscribers(seen.getKey())) {
                Position sent = subscription.lastSent();
                if (subscription.isLive() && sent != null && applied.isAfter(sent)) {
                    repaired.increment();
                    subscription.requestCatchUp();
                }
            }
        }
        previous = current;
    }

    /** A channel's last applied position, and how many messages of it the node had received then. */
    private record Observation(Position applied, long received) {
    }

    @Override
    public void start() {
        if (!period.isZero()) {
            timer.scheduleWithFixedDelay(this::checkQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
        running = true;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("tail check failed error=\"{}\"", e.toString());
        }
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
