package io.herald.engine;

import io.herald.redis.RedisEndpoint;
import io.herald.redis.RedisClientFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Redis connection for SRE operations, opened on first use (so that a service starts while Redis is away)
 * and re-established by Lettuce after a disconnect. Commands are rejected rather than queued while Redis is
 * unreachable, and every wait is bounded, so an operation fails with a one-line message instead of hanging.
 */
public final class RedisAccess implements AutoCloseable {

    private final RedisClient client;
    private final ClientResources ownedResources;
    private final RedisURI uri;
    private final Duration timeout;
    private StatefulRedisConnection<String, String> connection;

    /** On a client the caller owns (the dispatcher's). */
    public RedisAccess(RedisClient client, RedisURI uri, Duration timeout) {
        this(client, null, uri, timeout);
    }

    /**
     * On a client the caller owns, for the configured endpoint. A Redis Cluster has no one primary to run these
     * operations on: every use then fails with an {@link EngineException} naming the setting, and the service
     * still starts.
     */
    public static RedisAccess of(RedisClient client, RedisEndpoint endpoint, Duration timeout) {
        return new RedisAccess(client, null, endpoint.isCluster() ? null : endpoint.uri(), timeout);
    }

    private RedisAccess(RedisClient client, ClientResources ownedResources, RedisURI uri, Duration timeout) {
        this.client = client;
        this.ownedResources = ownedResources;
        this.uri = uri;
        this.timeout = timeout;
    }

    /**
     * With a client of its own for one server, closed with it.
     *
     * @throws IllegalArgumentException when the URL cannot be read (the message hides a password)
     */
    public static RedisAccess of(String url, Duration timeout) {
        return of(RedisEndpoint.ofUrl(url), timeout);
    }

    /**
     * With a client of its own, closed with it ({@code heraldctl}), for an endpoint as the dispatcher is configured
     * with; on a Redis Cluster every use fails as in {@link #of(RedisClient, RedisEndpoint, Duration)}.
     *
     * @throws IllegalArgumentException when the endpoint cannot be read (the message hides a password)
     */
    public static RedisAccess of(RedisEndpoint endpoint, Duration timeout) {
        RedisURI uri = endpoint.isCluster() ? null : endpoint.uri();
        ClientResources resources = RedisClientFactory.resources(
                RedisClientFactory.reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(2)));
        RedisClient client = new RedisClientFactory(endpoint, resources).client(RedisClientFactory.Timeouts.of(timeout), true);
        return new RedisAccess(client, resources, uri, timeout);
    }

    public synchronized StatefulRedisConnection<String, String> connection() {
        // once established, Lettuce re-establishes the connection by itself after a disconnect
        if (uri == null) {
            throw new EngineException("restore, replay, dead-letter redrive and inspect need one Redis primary "
                    + "(spring.data.redis.url or spring.data.redis.sentinel.*); spring.data.redis.cluster.nodes is set, "
                    + "and Redis Cluster is not supported by them yet");
        }
        if (connection == null) {
            try {
                connection = client.connect(uri);
            } catch (RuntimeException e) {
                throw new EngineException("redis: could not connect to " + where(), e);
            }
        }
        return connection;
    }

    /** host:port, never the password a URL may carry. */
    public String where() {
        if (uri == null) {
            return "redis cluster";
        }
        return uri.getHost() + ":" + uri.getPort();
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
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
        if (ownedResources != null) {
            client.shutdown();
            ownedResources.shutdown();
        }
    }
}
