package io.herald.edge.support;

import io.herald.core.channel.ChannelName;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/**
 * Applies records on a Redis Cluster as the dispatcher does there: core's {@link ApplyScript} (which takes a
 * standalone connection) with SPUBLISH, sent over a plain connection to the primary that serves the channel's slot,
 * found through a cluster client's view of the slots. When the apply fails (that primary died, the slot moved: MOVED
 * or ASK, a promoted replica without the script) the view is read again and the apply sent again, to whichever
 * primary serves the slot then, until it succeeds: the script is idempotent per position.
 */
final class ClusterApplier implements AutoCloseable {

    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    private final ApplyScript script = new ApplyScript(true);
    private final RedisClusterClient topology;
    private final RedisClient nodes = RedisClient.create();
    private final Map<String, StatefulRedisConnection<String, String>> connections = new HashMap<>();

    ClusterApplier(List<RedisURI> seeds) {
        this.topology = RedisClusterClient.create(seeds);
        topology.getPartitions(); // reads the slots now
    }

    synchronized ApplyResult apply(ChannelName channel, long offset, int partition, String envelopeJson) {
        AtomicReference<ApplyResult> result = new AtomicReference<>();
        Awaitility.await("apply of offset " + offset + " on the primary of " + channel).atMost(GIVE_UP)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    result.set(tryApply(channel, offset, partition, envelopeJson));
                    return true;
                });
        return result.get();
    }

    private ApplyResult tryApply(ChannelName channel, long offset, int partition, String envelopeJson) throws Exception {
        RedisClusterNode primary = topology.getPartitions().getMasterBySlot(SlotHash.getSlot(RedisKeys.log(channel)));
        String address = primary.getUri().getHost() + ":" + primary.getUri().getPort();
        try {
            StatefulRedisConnection<String, String> connection = connections.computeIfAbsent(address, a -> {
                StatefulRedisConnection<String, String> c = nodes.connect(primary.getUri());
                c.setTimeout(Duration.ofSeconds(5));
                return c;
            });
            try {
                return ApplyScript.result(script.apply(connection.async(), channel, offset, partition, envelopeJson,
                        Retention.DEFAULT).get(5, TimeUnit.SECONDS));
            } catch (Exception e) {
                if (ApplyScript.isNoScript(e)) { // a promoted replica: scripts are not replicated
                    ApplyScript.load(connection.async()).toCompletableFuture().get(5, TimeUnit.SECONDS);
                }
                throw e;
            }
        } catch (Exception e) {
            StatefulRedisConnection<String, String> stale = connections.remove(address);
            if (stale != null && !ApplyScript.isNoScript(e)) {
                stale.closeAsync();
            } else if (stale != null) {
                connections.put(address, stale);
            }
            topology.refreshPartitions();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        connections.values().forEach(StatefulRedisConnection::close);
        nodes.shutdown();
        topology.shutdown();
    }
}
