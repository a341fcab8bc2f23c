package io.herald.ingest.idempotency;

import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.herald.redis.RedisEndpoint;
import io.herald.redis.boot.RedisEndpointProperties;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Ingest's one Redis connection, made by {@link RedisClientFactory} for the topology {@code spring.data.redis.*}
 * names: one server, a Sentinel-watched primary or a Redis Cluster. The idempotency store runs one code path on all
 * three, over {@link RedisClusterAsyncCommands}, which a standalone and a cluster connection both implement; on a
 * cluster a keyed command (EVAL included: its one key) goes to the primary serving the key's slot.
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

    private record Connected(StatefulConnection<String, String> connection,
                             RedisClusterAsyncCommands<String, String> commands) {
    }

    private final AbstractRedisClient client;
    private final Supplier<CompletableFuture<Connected>> connector;
    private final Duration timeout;
    private final boolean cluster;
    private final AtomicReference<CompletableFuture<Connected>> connection = new AtomicReference<>();

    private IdempotencyRedis(AbstractRedisClient client, Supplier<CompletableFuture<Connected>> connector,
                             Duration timeout, boolean cluster) {
        this.client = client;
        this.connector = connector;
        this.timeout = timeout;
        this.cluster = cluster;
    }

    /** With a client of its own from {@code clients}, shut down with this. */
    static IdempotencyRedis create(RedisClientFactory clients, RedisEndpointProperties properties) {
        RedisEndpoint endpoint = clients.endpoint();
        Duration timeout = properties.timeout();
        Timeouts timeouts = new Timeouts(timeout, properties.connectTimeout());
        if (endpoint.isCluster()) {
            RedisEndpointProperties.Refresh refresh = properties.lettuce().cluster().refresh();
            int maxRedirects = properties.cluster().maxRedirects();
            // the slot map follows a failover within seconds: refreshed periodically, and on MOVED, ASK and
            // reconnects at most once a second (without, a dead primary's keys answered 503 until a restart)
            RedisClusterClient client = clients.clusterClient(timeouts,
                    new ClusterOptions(refresh.period(), refresh.adaptive(), Duration.ofSeconds(1), maxRedirects, timeout));
            // an asynchronous connect needs the slot map read first (a synchronous one reads it itself)
            return new IdempotencyRedis(client, () -> client.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(ignored -> client.connectAsync(StringCodec.UTF8))
                    .thenApply(c -> new Connected(c, c.async())), timeout, true);
        }
        RedisURI uri = endpoint.uri();
        // Lettuce waits for a new connection's handshake as long as the URI says (60 s unless set)
        uri.setTimeout(timeout);
        RedisClient client = clients.client(timeouts, true);
        return new IdempotencyRedis(client, () -> client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture()
                .thenApply(c -> new Connected(c, c.async())), timeout, false);
    }

    public boolean isCluster() {
        return cluster;
    }

    /**
     * Runs {@code command} and waits for its reply, at most the timeout in all.
     *
     * @throws Unavailable when Redis did not answer in time, refused the command or could not be reached
     */
    public <T> T call(Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Connected connected = connecting().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return command.apply(connected.commands()).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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
        CompletableFuture<Connected> connecting = connecting();
        Connected connected = connecting.getNow(null);
        if (connected == null) {
            return CompletableFuture.failedFuture(new Unavailable("no redis connection open", null));
        }
        try {
            return command.apply(connected.commands()).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The connection, or its opening; a failed opening is started again by the next call. */
    private CompletableFuture<Connected> connecting() {
        CompletableFuture<Connected> current = connection.get();
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        CompletableFuture<Connected> next;
        try {
            next = connector.get();
        } catch (RuntimeException e) {
            next = CompletableFuture.failedFuture(e);
        }
        if (connection.compareAndSet(current, next)) {
            return next;
        }
        // another caller started one first: use that one
        next.thenAccept(c -> c.connection().closeAsync());
        return connection.get();
    }

    @Override
    public void close() {
        CompletableFuture<Connected> current = connection.getAndSet(null);
        if (current != null) {
            current.thenAccept(c -> c.connection().close());
        }
        client.shutdown();
    }
}
