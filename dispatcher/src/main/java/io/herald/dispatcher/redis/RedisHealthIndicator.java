package io.herald.dispatcher.redis;

import io.herald.dispatcher.dataset.DatasetGuard;
import io.herald.dispatcher.dataset.DatasetIdentity;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports Redis as the {@code redis} health component: a PING on one of the dispatcher's own connections.
 * A failure is reported, not logged: {@link RedisAvailability} already logs the outage once, and probes
 * run every few seconds. The details also name the dataset the dispatcher verified and the last time it found
 * Redis replaced (failover) or emptied (data lost), which a PING alone cannot show.
 */
public final class RedisHealthIndicator implements HealthIndicator {

    private final RedisConnections connections;
    private final DatasetGuard dataset;
    private final Duration timeout;

    public RedisHealthIndicator(RedisConnections connections, DatasetGuard dataset, Duration timeout) {
        this.connections = connections;
        this.dataset = dataset;
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        try {
            StatefulRedisConnection<String, String> connection = connections.borrow();
            try {
                RedisFuture<String> pong = connection.async().ping();
                connection.flushCommands();
                Health.Builder health = Health.up().withDetail("ping", pong.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                DatasetIdentity verified = dataset.verified();
                if (verified != null) {
                    health.withDetail("datasetEpoch", String.valueOf(verified.epoch()));
                }
                DatasetGuard.Change change = dataset.lastChange();
                if (change != null) {
                    health.withDetail("datasetLastChange", Map.of("kind", change.verification().kind().name().toLowerCase(Locale.ROOT),
                            "at", change.at().toString(), "recordsMissingApplied", change.verification().recordsMissing()));
                }
                return health.build();
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
