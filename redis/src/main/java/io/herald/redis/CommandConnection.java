package io.herald.redis;

import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection for commands, on whatever topology the endpoint names: one server, a Sentinel-watched primary or a
 * Redis Cluster. Its users run one code path on all three, over {@link RedisClusterAsyncCommands} (or
 * {@link RedisClusterCommands}), which a standalone and a cluster connection both implement: on a cluster a keyed
 * command (EVAL and EVALSHA included: their first key) goes to the primary serving the key's slot, following MOVED
 * and ASK while a slot moves. Every key of a channel carries the channel as its hash tag, so all of a channel's
 * commands run on one primary.
 *
 * <p>The connection is opened on first use (so that a service starts while Redis is away), or at once by
 * {@link #connecting()}; an opening that failed is started again by the next use. Once open, Lettuce re-establishes
 * it after a disconnect and rejects commands meanwhile (the factory's clients never queue). A new connection's
 * handshake waits at most the command timeout (Lettuce's URI default is 60 s).
 *
 * <p>Used by the edge (logs, tail checks, health; its pub/sub shares {@link #client()}), ingest (the idempotency
 * store) and the engines behind {@code heraldctl} and the dispatcher's admin API. The dispatcher's apply path has
 * connections of its own (per primary, never reconnecting in place: see its {@code RedisConnections}).
 */
public final class CommandConnection implements AutoCloseable {

    private final AbstractRedisClient client;
    private final RedisURI uri;
    private final String where;
    private final Timeouts timeouts;
    private final AtomicReference<CompletableFuture<StatefulConnection<String, String>>> connection =
            new AtomicReference<>();

    private CommandConnection(AbstractRedisClient client, RedisURI uri, String where, Timeouts timeouts) {
        this.client = client;
        this.uri = uri;
        this.where = where;
        this.timeouts = timeouts;
    }

    /**
     * A connection with a client of its own from {@code clients}, shut down with it (not the factory's resources).
     *
     * @param cluster how the client follows a Redis Cluster; unused (may be null) on the other topologies
     * @throws IllegalArgumentException when the endpoint cannot be read (the message hides a password)
     */
    public static CommandConnection create(RedisClientFactory clients, Timeouts timeouts, ClusterOptions cluster) {
        RedisEndpoint endpoint = clients.endpoint();
        if (endpoint.isCluster()) {
            return new CommandConnection(clients.clusterClient(timeouts, cluster), null,
                    "redis cluster " + String.join(",", endpoint.clusterNodes()), timeouts);
        }
        RedisURI uri = endpoint.uri();
        uri.setTimeout(timeouts.command());
        String where = endpoint.isSentinel() ? "sentinel master " + endpoint.sentinelMaster()
                : uri.getHost() + ":" + uri.getPort();
        return new CommandConnection(clients.primaryClient(timeouts), uri, where, timeouts);
    }

    /** Whether this is a Redis Cluster: live messages are then published with SPUBLISH, per shard. */
    public boolean isCluster() {
        return client instanceof RedisClusterClient;
    }

    /** host:port, the Sentinel master's name or the cluster's seed nodes; never the password a URL may carry. */
    public String where() {
        return where;
    }

    /**
     * The client the connection was made by, for connections of another kind to the same Redis (the edge's pub/sub);
     * shut down by {@link #close()}.
     */
    public AbstractRedisClient client() {
        return client;
    }

    /** The connection, or its opening; a failed opening is started again by the next call. Never blocks. */
    public CompletableFuture<StatefulConnection<String, String>> connecting() {
        CompletableFuture<StatefulConnection<String, String>> current = connection.get();
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        CompletableFuture<StatefulConnection<String, String>> next;
        try {
            next = open();
        } catch (RuntimeException e) {
            next = CompletableFuture.failedFuture(e);
        }
        if (connection.compareAndSet(current, next)) {
            return next;
        }
        // another caller started one first: use that one
        next.thenAccept(StatefulConnection::closeAsync);
        return connection.get();
    }

    private CompletableFuture<StatefulConnection<String, String>> open() {
        if (client instanceof RedisClusterClient cluster) {
            // an asynchronous connect needs the slot map read first (a synchronous one reads it itself)
            return cluster.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(ignored -> cluster.connectAsync(StringCodec.UTF8))
                    .thenApply(opened -> (StatefulConnection<String, String>) opened);
        }
        return ((RedisClient) client).connectAsync(StringCodec.UTF8, uri).toCompletableFuture()
                .thenApply(opened -> (StatefulConnection<String, String>) opened);
    }

    /** The open connection's commands, or null while none is open (without waiting; an opening is started). */
    public RedisClusterAsyncCommands<String, String> asyncIfOpen() {
        StatefulConnection<String, String> open = openNow(connecting());
        return open == null ? null : commands(open);
    }

    /**
     * The asynchronous commands; opens the connection first if needed, waiting at most the connect and the command
     * timeout.
     *
     * @throws RedisUnavailableException when it could not be opened in time
     */
    public RedisClusterAsyncCommands<String, String> async() {
        return commands(open(timeouts.connect().plus(timeouts.command())));
    }

    /** The blocking commands (each waits at most the command timeout); opens the connection like {@link #async()}. */
    public RedisClusterCommands<String, String> sync() {
        StatefulConnection<String, String> open = open(timeouts.connect().plus(timeouts.command()));
        if (open instanceof StatefulRedisClusterConnection<String, String> cluster) {
            return cluster.sync();
        }
        return ((StatefulRedisConnection<String, String>) open).sync();
    }

    /** The asynchronous commands of a connection {@link #connecting()} opened. */
    public static RedisClusterAsyncCommands<String, String> commands(StatefulConnection<String, String> open) {
        if (open instanceof StatefulRedisClusterConnection<String, String> cluster) {
            return cluster.async();
        }
        return ((StatefulRedisConnection<String, String>) open).async();
    }

    /**
     * The connection, opened within {@code wait}.
     *
     * @throws RedisUnavailableException when it could not be opened in time
     */
    private StatefulConnection<String, String> open(Duration wait) {
        try {
            return connecting().get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailableException("interrupted while connecting to " + where, e);
        } catch (ExecutionException e) {
            throw new RedisUnavailableException("could not connect to " + where + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new RedisUnavailableException("could not connect to " + where + " within " + wait.toMillis() + " ms", e);
        }
    }

    /**
     * The commands of each primary by {@code host:port}: the one server (under {@link #where()}), or every primary of
     * the cluster's slot map now. For what a node answers for itself only (PING, INFO) and for anything that has to
     * look at every key (SCAN): a cluster connection sends a keyless command to one node of its choosing.
     *
     * @throws RedisUnavailableException when the connection, or one to a primary, could not be opened
     */
    public Map<String, RedisClusterAsyncCommands<String, String>> primaries() {
        StatefulConnection<String, String> open = open(timeouts.connect().plus(timeouts.command()));
        if (!(open instanceof StatefulRedisClusterConnection<String, String> cluster)) {
            return Map.of(where, commands(open));
        }
        Map<String, RedisClusterAsyncCommands<String, String>> primaries = new TreeMap<>();
        for (RedisClusterNode node : primaryNodes(cluster)) {
            String address = address(node);
            try {
                primaries.put(address, cluster.getConnection(node.getNodeId()).async());
            } catch (RuntimeException e) {
                throw new RedisUnavailableException("could not connect to cluster primary " + address, e);
            }
        }
        return primaries;
    }

    /**
     * PING on the one server, or on every primary of a cluster (a keyless command on a cluster connection would only
     * reach its default node, which may be a dead seed while the cluster serves every slot, or alive while a shard
     * has no primary). Completes with {@code PONG}, or fails naming the node that did not answer.
     */
    public CompletableFuture<String> ping() {
        return connecting().thenCompose(open -> {
            if (!(open instanceof StatefulRedisClusterConnection<String, String> cluster)) {
                return commands(open).ping().toCompletableFuture();
            }
            CompletableFuture<?>[] pings = primaryNodes(cluster).stream()
                    .map(node -> cluster.getConnectionAsync(node.getNodeId())
                            .thenCompose(c -> c.async().ping())
                            .exceptionally(error -> {
                                throw new RedisUnavailableException("primary " + address(node) + " does not answer: "
                                        + error.getMessage(), error);
                            }))
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(pings).thenApply(ignored -> "PONG");
        });
    }

    private static List<RedisClusterNode> primaryNodes(StatefulRedisClusterConnection<String, String> cluster) {
        return cluster.getPartitions().getPartitions().stream()
                .filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty())
                .toList();
    }

    private static String address(RedisClusterNode node) {
        return node.getUri().getHost() + ":" + node.getUri().getPort();
    }

    /** The connection if {@code opening} has opened it, else null (still opening, or failed: never throws). */
    private static StatefulConnection<String, String> openNow(CompletableFuture<StatefulConnection<String, String>> opening) {
        return opening.isDone() && !opening.isCompletedExceptionally() ? opening.join() : null;
    }

    /** Closes the connection (when one was opened) and shuts the client down. */
    @Override
    public void close() {
        CompletableFuture<StatefulConnection<String, String>> current = connection.getAndSet(null);
        if (current != null) {
            StatefulConnection<String, String> open = openNow(current);
            if (open != null) {
                open.close();
            } else {
                current.thenAccept(StatefulConnection::closeAsync);
            }
        }
        client.shutdown();
    }
}
