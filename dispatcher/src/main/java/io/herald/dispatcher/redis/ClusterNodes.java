package io.herald.dispatcher.redis;

import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Redis Cluster as the dispatcher writes to it: Lettuce's {@link RedisClusterClient} keeps the slot map
 * (refreshed periodically, on the redirects and reconnects its own connection sees, and on demand after a failed
 * batch), and each primary gets {@link RedisConnections} of its own, which never reconnect.
 *
 * <p>Why not send the batch through the cluster connection: it follows MOVED and ASK by itself and re-sends commands
 * when a node connection closes, and a keyless {@code WAIT} sent that way may reach another node than the writes it
 * is meant to confirm, and answer for that node. A plain connection per node makes every reply, and every
 * {@code WAIT}, speak for the one server process the batch's writes went to; a redirect comes back as an error that
 * fails the batch, and the retry goes where the refreshed slot map says.
 */
public final class ClusterNodes implements AutoCloseable {

    private final RedisClusterClient cluster;
    private final RedisClient nodes;
    private final RedisURI template;
    private final Duration timeout;
    private final Map<String, RedisConnections> byAddress = new ConcurrentHashMap<>();
    private StatefulRedisClusterConnection<String, String> topology;
    private volatile boolean closed;

    /**
     * @param timeout connect and command timeout
     * @param refresh how often the slot map is refreshed without a reason
     */
    public ClusterNodes(RedisClientFactory clients, Duration timeout, Duration refresh) {
        // the slot map is read with the seeds' timeout (Lettuce's default is a minute): a node that accepts
        // connections but does not answer (paused, overloaded) must not hold a refresh, and the batch behind it, longer
        this.template = clients.endpoint().clusterUris().get(0);
        template.setTimeout(timeout);
        this.timeout = timeout;
        this.cluster = clients.clusterClient(new Timeouts(timeout, Timeouts.LETTUCE_CONNECT_TIMEOUT),
                new ClusterOptions(refresh, true, ClusterOptions.LETTUCE_ADAPTIVE_REFRESH_TIMEOUT,
                        ClusterOptions.LETTUCE_MAX_REDIRECTS, timeout));
        this.nodes = clients.client(Timeouts.of(timeout), false);
    }

    /**
     * The primary that serves {@code slot} as the slot map says now. Connects to the cluster on first use, so
     * that the dispatcher starts while Redis is away; throws while no seed node answers.
     */
    public RedisClusterNode primaryFor(int slot) {
        RedisClusterNode node = partitions().getPartitionBySlot(slot);
        if (node == null) {
            throw new IllegalStateException("no redis cluster node serves slot " + slot);
        }
        return node;
    }

    /** The nodes that serve slots now. */
    public List<RedisClusterNode> primaries() {
        return partitions().getPartitions().stream().filter(node -> !node.getSlots().isEmpty()).toList();
    }

    /**
     * How many replicas of {@code primary} the slot map lists as live (not flagged failing, not without address):
     * the replicas one of which the cluster would promote if the primary failed now.
     */
    public int liveReplicasOf(RedisClusterNode primary) {
        int live = 0;
        for (RedisClusterNode node : partitions().getPartitions()) {
            if (primary.getNodeId().equals(node.getSlaveOf()) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                    && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL) && !node.is(RedisClusterNode.NodeFlag.NOADDR)
                    && !node.is(RedisClusterNode.NodeFlag.HANDSHAKE)) {
                live++;
            }
        }
        return live;
    }

    private synchronized Partitions partitions() {
        if (closed) {
            throw new IllegalStateException("redis cluster connections are closed");
        }
        if (topology == null || !topology.isOpen()) {
            // the open connection is what keeps periodic and adaptive refresh running
            topology = cluster.connect();
        }
        return topology.getPartitions();
    }

    /**
     * Reloads the slot map from the cluster, after a batch met a failed node or a redirect; waits for it at most the
     * timeout (the next attempt uses whatever map there is by then).
     */
    public void refresh() throws InterruptedException {
        if (topology == null) {
            return;
        }
        try {
            cluster.refreshPartitionsAsync().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("redis cluster slot map refresh failed", e);
        }
    }

    /** Connections to {@code node}, lent to one thread at a time as on a single primary. */
    public RedisConnections connections(RedisClusterNode node) {
        String address = address(node);
        return byAddress.computeIfAbsent(address, key -> new RedisConnections(nodes,
                RedisURI.builder(template).withHost(node.getUri().getHost()).withPort(node.getUri().getPort()).build()));
    }

    /** {@code host:port}, for logs. */
    public static String address(RedisClusterNode node) {
        return node.getUri().getHost() + ":" + node.getUri().getPort();
    }

    @Override
    public synchronized void close() {
        closed = true;
        byAddress.values().forEach(RedisConnections::close);
        byAddress.clear();
        if (topology != null) {
            topology.close();
        }
        nodes.shutdown();
        cluster.shutdown();
    }
}
