package io.herald.engine;

import io.herald.redis.CommandConnection;
import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.herald.redis.RedisEndpoint;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Redis for SRE operations, on the topology the configuration names: one server, a Sentinel-watched primary or a
 * Redis Cluster, through the redis module's {@link CommandConnection} (one code path on every topology). This adds
 * what the engines need on top: every wait bounded by one timeout, and every failure a one-line
 * {@link EngineException}, so an operation fails with a message instead of hanging.
 */
public final class RedisAccess implements AutoCloseable {

    /**
     * How often a cluster's slot map is read without a reason (the dispatcher's default
     * {@code herald.dispatcher.cluster.topology-refresh}); a redirect or a reconnect refreshes it sooner, at most once
     * a second, so that an operation running through a failover finds the promoted replica within seconds.
     */
    private static final Duration SLOT_MAP_REFRESH = Duration.ofSeconds(10);
    private static final Duration ADAPTIVE_REFRESH_LIMIT = Duration.ofSeconds(1);

    private final CommandConnection connection;
    private final ClientResources ownedResources;
    private final Duration timeout;

    private RedisAccess(CommandConnection connection, ClientResources ownedResources, Duration timeout) {
        this.connection = connection;
        this.ownedResources = ownedResources;
        this.timeout = timeout;
    }

    /**
     * With a client of its own made by a service's factory (the dispatcher's: its event loops are shared), for the
     * factory's endpoint; the client is shut down with this.
     *
     * @throws IllegalArgumentException when the endpoint cannot be read (the message hides a password)
     */
    public static RedisAccess of(RedisClientFactory clients, Duration timeout) {
        return create(clients, null, timeout);
    }

    /**
     * With a client and event loops of its own, closed with it ({@code heraldctl}), for an endpoint as the dispatcher
     * is configured with.
     *
     * @throws IllegalArgumentException when the endpoint cannot be read (the message hides a password)
     */
    public static RedisAccess of(RedisEndpoint endpoint, Duration timeout) {
        ClientResources resources = RedisClientFactory.resources(
                RedisClientFactory.reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(2)));
        try {
            return create(new RedisClientFactory(endpoint, resources), resources, timeout);
        } catch (RuntimeException e) {
            resources.shutdown();
            throw e;
        }
    }

    /**
     * With a client of its own for one server, closed with it.
     *
     * @throws IllegalArgumentException when the URL cannot be read (the message hides a password)
     */
    public static RedisAccess of(String url, Duration timeout) {
        return of(RedisEndpoint.ofUrl(url), timeout);
    }

    private static RedisAccess create(RedisClientFactory clients, ClientResources ownedResources, Duration timeout) {
        return new RedisAccess(CommandConnection.create(clients, Timeouts.of(timeout), new ClusterOptions(
                SLOT_MAP_REFRESH, true, ADAPTIVE_REFRESH_LIMIT, ClusterOptions.LETTUCE_MAX_REDIRECTS, timeout)),
                ownedResources, timeout);
    }

    /**
     * The commands, on any topology; connects on first use. Once established, Lettuce re-establishes the connection
     * by itself after a disconnect.
     */
    public RedisClusterAsyncCommands<String, String> commands() {
        try {
            return connection.async();
        } catch (RuntimeException e) {
            throw new EngineException("redis: " + e.getMessage(), e);
        }
    }

    /** The commands of each primary by {@code host:port} ({@link CommandConnection#primaries()}). */
    public Map<String, RedisClusterAsyncCommands<String, String>> primaries() {
        try {
            return connection.primaries();
        } catch (RuntimeException e) {
            throw new EngineException("redis: " + e.getMessage(), e);
        }
    }

    /** Whether this is a Redis Cluster: live messages are then published with SPUBLISH and counted per shard. */
    public boolean isCluster() {
        return connection.isCluster();
    }

    /** host:port, the sentinel master's name or the cluster's seed nodes; never the password a URL may carry. */
    public String where() {
        return connection.where();
    }

    public Duration timeout() {
        return timeout;
    }

    /** Waits for a reply within the timeout; failures become one-line {@link EngineException}s. */
    public <T> T await(RedisFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while trying to " + what);
        } catch (ExecutionException e) {
            throw new EngineException("redis: could not " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new EngineException("redis: no reply within " + timeout.toMillis() + " ms to " + what);
        }
    }

    @Override
    public void close() {
        connection.close();
        if (ownedResources != null) {
            ownedResources.shutdown();
        }
    }
}
