package io.herald.edge.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The node's shared command connection, whatever the topology: one server (standalone or the primary Sentinel
 * names) or a Redis Cluster, whose connection routes each command to the node serving its key's slot. Only the
 * commands both kinds share are offered, which are all the edge needs (stream and hash reads, SPUBLISH, PING).
 */
public record RedisAccess(StatefulConnection<String, String> connection, RedisClusterCommands<String, String> sync,
        RedisClusterAsyncCommands<String, String> async) implements AutoCloseable {

    /**
     * PING where the edge's reads go: the one server, or every primary of a cluster (a keyless command on a
     * cluster connection would only reach its default node, which may be a dead seed while the cluster serves
     * every slot, or alive while a shard has no primary). Completes with {@code PONG}, or fails naming the node.
     */
    public CompletableFuture<String> ping() {
        if (!(connection instanceof StatefulRedisClusterConnection<String, String> cluster)) {
            return async.ping().toCompletableFuture();
        }
        List<RedisClusterNode> primaries = cluster.getPartitions().getPartitions().stream()
                .filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()).toList();
        CompletableFuture<?>[] pings = primaries.stream().map(node -> cluster.getConnectionAsync(node.getNodeId())
                .thenCompose(c -> c.async().ping())
                .exceptionally(error -> {
                    throw new IllegalStateException("primary " + node.getUri().getHost() + ":" + node.getUri().getPort()
                            + " does not answer: " + error.getMessage(), error);
                })).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(pings).thenApply(ignored -> "PONG");
    }

    @Override
    public void close() {
        connection.close();
    }
}
