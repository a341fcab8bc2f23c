package io.herald.dispatcher.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports a Redis Cluster as the {@code redis} health component: each primary in the slot map, with the number of
 * replicas it has connected ({@code INFO replication}) on one of the connections batches use. Down while any primary
 * does not answer or has fewer replicas than batches wait for: batches touching its slots are held then, and a
 * shard failover shows here as the old primary failing, then the new one with no replica until one rejoins.
 */
public final class ClusterHealthIndicator implements HealthIndicator {

    private final ClusterNodes nodes;
    private final Duration timeout;
    private final int replicasRequired;

    public ClusterHealthIndicator(ClusterNodes nodes, Duration timeout, int replicasRequired) {
        this.nodes = nodes;
        this.timeout = timeout;
        this.replicasRequired = replicasRequired;
    }

    @Override
    public Health health() {
        Map<String, Object> primaries = new TreeMap<>();
        boolean up = true;
        try {
            for (RedisClusterNode node : nodes.primaries()) {
                String address = ClusterNodes.address(node);
                try {
                    int replicas = connectedReplicas(nodes.connections(node));
                    primaries.put(address, Map.of("slots", node.getSlots().size(), "connectedReplicas", replicas));
                    up &= replicas >= replicasRequired;
                } catch (ExecutionException e) {
                    primaries.put(address, Map.of("error", RedisAvailability.describe(e.getCause())));
                    up = false;
                } catch (TimeoutException | RuntimeException e) {
                    primaries.put(address, Map.of("error", RedisAvailability.describe(e)));
                    up = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", RedisAvailability.describe(e)).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", RedisAvailability.describe(e)).build();
        }
        return (up ? Health.up() : Health.down()).withDetail("primaries", primaries)
                .withDetail("replicasRequired", replicasRequired).build();
    }

    private int connectedReplicas(RedisConnections pool) throws InterruptedException, ExecutionException, TimeoutException {
        StatefulRedisConnection<String, String> connection = pool.borrow();
        try {
            RedisFuture<String> info = connection.async().info("replication");
            connection.flushCommands();
            String reply = info.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return reply.lines().filter(line -> line.startsWith("connected_slaves:"))
                    .mapToInt(line -> Integer.parseInt(line.substring("connected_slaves:".length()).trim()))
                    .findFirst().orElse(0);
        } finally {
            pool.release(connection);
        }
    }
}
