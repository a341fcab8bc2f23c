package io.herald.engine;

import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.herald.redis.RedisEndpoint;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Redis for SRE operations, on the topology the configuration names: one server, a Sentinel-watched primary or a
 * Redis Cluster. One connection, opened on first use (so that a service starts while Redis is away) and
 * re-established by Lettuce after a disconnect. Commands are rejected rather than queued while Redis is unreachable,
 * and every wait is bounded, so an operation fails with a one-line message instead of hanging.
 *
 * <p>The engines run one code path on every topology, over {@link RedisClusterAsyncCommands}, which a standalone
 * connection and a cluster connection both implement. On a cluster it is Lettuce's cluster connection: a keyed
 * command (EVALSHA included: its first key) goes to the primary that serves the key's slot, following MOVED and ASK
 * while a slot moves, and {@code SCRIPT LOAD} reaches every primary. Every key of a channel carries the channel as
 * its hash tag, so all of a channel's commands, and the scripts that take its keys, run on that one primary.
 */
public final class RedisAccess implements AutoCloseable {

    /**
     * How often a cluster's slot map is read without a reason (the dispatcher's default
     * {@code herald.dispatcher.cluster.topology-refresh}); a redirect or a reconnect refreshes it sooner, at most once
     * a second, so that an operation running through a failover finds the promoted replica within seconds.
     */
    private static final Duration SLOT_MAP_REFRESH = Duration.ofSeconds(10);
    private static final Duration ADAPTIVE_REFRESH_LIMIT = Duration.ofSeconds(1);

    private final AbstractRedisClient client;
    /** The one server or Sentinel-watched primary; null on a cluster, whose client has its seeds. */
    private final RedisURI uri;
    private final ClientResources ownedResources;
    private final String where;
    private final Duration timeout;
    private StatefulConnection<String, String> connection;
    private RedisClusterAsyncCommands<String, String> commands;

    private RedisAccess(AbstractRedisClient client, RedisURI uri, ClientResources ownedResources, String where,
            Duration timeout) {
        this.client = client;
        this.uri = uri;
        this.ownedResources = ownedResources;
        this.where = where;
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
        RedisEndpoint endpoint = clients.endpoint();
        if (endpoint.isCluster()) {
            RedisClusterClient client = clients.clusterClient(Timeouts.of(timeout), new ClusterOptions(SLOT_MAP_REFRESH,
                    true, ADAPTIVE_REFRESH_LIMIT, ClusterOptions.LETTUCE_MAX_REDIRECTS, timeout));
            return new RedisAccess(client, null, ownedResources,
                    "redis cluster " + String.join(",", endpoint.clusterNodes()), timeout);
        }
        RedisURI uri = endpoint.uri();
        // Lettuce waits for a new connection's handshake as long as the URI says (60 s unless set), not the timeout
        uri.setTimeout(timeout);
        String where = endpoint.isSentinel() ? "sentinel master " + endpoint.sentinelMaster()
                : uri.getHost() + ":" + uri.getPort();
        return new RedisAccess(clients.client(Timeouts.of(timeout), true), uri, ownedResources, where, timeout);
    }

    /**
     * The commands, on any topology; connects on first use. Once established, Lettuce re-establishes the connection
     * by itself after a disconnect.
     */
    public synchronized RedisClusterAsyncCommands<String, String> commands() {
        if (commands == null) {
            try {
                if (client instanceof RedisClusterClient clusterClient) {
                    StatefulRedisClusterConnection<String, String> opened = clusterClient.connect();
                    connection = opened;
                    commands = opened.async();
                } else {
                    StatefulRedisConnection<String, String> opened = ((RedisClient) client).connect(uri);
                    connection = opened;
                    commands = opened.async();
                }
            } catch (RuntimeException e) {
                throw new EngineException("redis: could not connect to " + where, e);
            }
        }
        return commands;
    }

    /**
     * The commands of each primary by {@code host:port}: the one server (under {@link #where()}), or every primary of
     * the cluster's slot map now. For what a node answers for itself only (PING, INFO) and for anything that has to
     * look at every key (SCAN): a cluster connection sends a keyless command to one node of its choosing.
     */
    public Map<String, RedisClusterAsyncCommands<String, String>> primaries() {
        RedisClusterAsyncCommands<String, String> all = commands();
        if (!(connection instanceof StatefulRedisClusterConnection<String, String> clusterConnection)) {
            return Map.of(where, all);
        }
        Map<String, RedisClusterAsyncCommands<String, String>> primaries = new TreeMap<>();
        for (RedisClusterNode node : clusterConnection.getPartitions()) {
            if (!node.getSlots().isEmpty()) {
                String address = node.getUri().getHost() + ":" + node.getUri().getPort();
                try {
                    primaries.put(address, clusterConnection.getConnection(node.getNodeId()).async());
                } catch (RuntimeException e) {
                    throw new EngineException("redis: could not connect to cluster primary " + address, e);
                }
            }
        }
        return primaries;
    }

    /** Whether this is a Redis Cluster: live messages are then published with SPUBLISH and counted per shard. */
    public boolean isCluster() {
        return uri == null;
    }

    /** host:port, the sentinel master's name or the cluster's seed nodes; never the password a URL may carry. */
    public String where() {
        return where;
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
        client.shutdown();
        if (ownedResources != null) {
            ownedResources.shutdown();
        }
    }
}
