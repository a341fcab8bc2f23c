package io.herald.edge.health;

import io.herald.redis.CommandConnection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** The {@code redis} health component: a PING on the node's command connection (the one catch-ups read the logs with), to every primary on a cluster. */
@Component
public class RedisHealthIndicator implements HealthIndicator {

    private final CommandConnection redis;
    private final long timeoutMillis;

    public RedisHealthIndicator(CommandConnection redis, HealthProperties properties) {
        this.redis = redis;
        this.timeoutMillis = properties.redisTimeout().toMillis();
    }

    @Override
    public Health health() {
        try {
            return Health.up().withDetail("ping", redis.ping().get(timeoutMillis, TimeUnit.MILLISECONDS)).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", "interrupted").build();
        } catch (ExecutionException e) {
            return Health.down().withDetail("error", Errors.describe(e.getCause())).build();
        } catch (TimeoutException e) {
            return Health.down().withDetail("error", "no reply to PING within " + timeoutMillis + " ms").build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", Errors.describe(e)).build();
        }
    }
}
