package io.herald.ingest.idempotency;

import io.herald.redis.CommandConnection;
import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.herald.redis.boot.RedisEndpointProperties;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Ingest's one Redis connection (the redis module's {@link CommandConnection}) for the topology
 * {@code spring.data.redis.*} names: one server, a Sentinel-watched primary or a Redis Cluster. The idempotency store
 * runs one code path on all three; on a cluster a keyed command (EVAL included: its one key) goes to the primary
 * serving the key's slot.
 *
 * <p>Opened at start ({@link RedisWarmUp}) or, when Redis was away then, by the first call after; once open, Lettuce
 * re-establishes it after a disconnect and rejects commands meanwhile. A blocking call waits at most
 * {@code spring.data.redis.timeout} in all, connecting included, so a Redis that is away or frozen answers a keyed
 * request with 503 within that time.
 */
public final class IdempotencyRedis implements AutoCloseable {

    /** Redis did not answer in time, refused the command, or could not be reached. */
    public static final class Unavailable extends RuntimeException {

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final CommandConnection connection;
    private final Duration timeout;

    private IdempotencyRedis(CommandConnection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    /** With a client of its own from {@code clients}, shut down with this. */
    static IdempotencyRedis create(RedisClientFactory clients, RedisEndpointProperties properties) {
        Duration timeout = properties.timeout();
        ClusterOptions cluster = null;
        if (clients.endpoint().isCluster()) {
            RedisEndpointProperties.Refresh refresh = properties.lettuce().cluster().refresh();
            // the slot map follows a failover within seconds: refreshed periodically, and on MOVED, ASK and
            // reconnects at most once a second (without, a dead primary's keys answered 503 until a restart)
            cluster = new ClusterOptions(refresh.period(), refresh.adaptive(), Duration.ofSeconds(1),
                    properties.cluster().maxRedirects(), timeout);
        }
        return new IdempotencyRedis(CommandConnection.create(clients,
                new Timeouts(timeout, properties.connectTimeout()), cluster), timeout);
    }

    public boolean isCluster() {
        return connection.isCluster();
    }

    /**
     * Runs {@code command} and waits for its reply, at most the timeout in all.
     *
     * @throws Unavailable when Redis did not answer in time, refused the command or could not be reached
     */
    public <T> T call(Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            StatefulConnection<String, String> open = connection.connecting().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return command.apply(CommandConnection.commands(open))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for redis", e);
        } catch (TimeoutException e) {
            throw new Unavailable("redis did not answer within " + timeout.toMillis() + "ms", e);
        } catch (ExecutionException e) {
            throw new Unavailable(e.getCause().toString(), e.getCause());
        } catch (RuntimeException e) {
            throw new Unavailable(e.toString(), e);
        }
    }

    /**
     * Runs {@code command} without blocking (from Kafka's I/O thread): fails at once while no connection is open
     * (opening one meanwhile), and after the command timeout when Redis does not answer.
     */
    public <T> CompletableFuture<T> callAsync(Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        RedisClusterAsyncCommands<String, String> commands = connection.asyncIfOpen();
        if (commands == null) {
            return CompletableFuture.failedFuture(new Unavailable("no redis connection open", null));
        }
        try {
            return command.apply(commands).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
