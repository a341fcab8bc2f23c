package io.herald.dispatcher.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports Redis as the {@code redis} health component: a PING on one of the dispatcher's own connections.
 * A failure is reported, not logged: {@link RedisAvailability} already logs the outage once, and probes
 * run every few seconds.
 */
public final class RedisHealthIndicator implements HealthIndicator {

    private final RedisConnections connections;
    private final Duration timeout;

    public RedisHealthIndicator(RedisConnections connections, Duration timeout) {
        this.connections = connections;
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        try {
            StatefulRedisConnection<String, String> connection = connections.borrow();
            try {
                RedisFuture<String> pong = connection.async().ping();
                connection.flushCommands();
                return Health.up().withDetail("ping", pong.get(timeout.toMillis(), TimeUnit.MILLISECONDS)).build();
            } finally {
                connections.release(connection);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return down(e);
        }
    }

    private static Health down(Exception e) {
        return Health.down().withDetail("error", RedisAvailability.describe(e)).build();
    }
}
