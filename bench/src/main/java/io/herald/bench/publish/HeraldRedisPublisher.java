package io.herald.bench.publish;

import io.herald.core.channel.ChannelName;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Herald's fan-out path without Kafka, comparable to the peers' {@code PUBLISH}/{@code XADD}: each message is applied
 * with the dispatcher's own Lua script (log XADD, meta, PUBLISH), at the position a Kafka record at offset
 * {@code seq + 1} would get. Seqs grow, so every channel's positions grow too, as Kafka offsets do in a partition.
 *
 * <p>On a Redis Cluster the script publishes with SPUBLISH and each message goes to the primary that serves its
 * channel's slot, over that node's connection from a Lettuce cluster client, as the dispatcher's
 * {@code ClusterBatchApplier} sends it. The slot map is read once, before the first message: the benchmark moves no
 * slots.
 */
public final class HeraldRedisPublisher implements Publisher {

    private final AutoCloseable client;
    private final ApplyScript script;
    private final List<ChannelName> channels;
    /** The connection of each channel's primary, by channel index. */
    private final List<RedisAsyncCommands<String, String>> routes = new ArrayList<>();
    /** Each distinct connection once, with the channels it serves, for loading the script and for the log line. */
    private final Map<String, RedisAsyncCommands<String, String>> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> channelsPerNode = new TreeMap<>();
    private final BenchEnvelopes envelopes;

    public HeraldRedisPublisher(String redisUrl, boolean cluster, List<ChannelName> channels, BenchEnvelopes envelopes) {
        this.channels = channels;
        this.envelopes = envelopes;
        this.script = new ApplyScript(cluster);
        if (cluster) {
            RedisClusterClient clusterClient = RedisClusterClient.create(RedisURI.create(redisUrl));
            StatefulRedisClusterConnection<String, String> connection = clusterClient.connect();
            for (ChannelName channel : channels) {
                RedisClusterNode primary = connection.getPartitions()
                        .getMasterBySlot(SlotHash.getSlot(RedisKeys.log(channel)));
                String address = primary.getUri().getHost() + ":" + primary.getUri().getPort();
                route(address, () -> connection.getConnection(primary.getNodeId()));
            }
            this.client = () -> {
                connection.close();
                clusterClient.shutdown(0, 2, TimeUnit.SECONDS);
            };
        } else {
            RedisClient redisClient = RedisClient.create(redisUrl);
            StatefulRedisConnection<String, String> connection = redisClient.connect();
            for (int i = 0; i < channels.size(); i++) {
                route(redisUrl, () -> connection);
            }
            this.client = () -> {
                connection.close();
                redisClient.shutdown(0, 2, TimeUnit.SECONDS);
            };
        }
    }

    private void route(String address, java.util.function.Supplier<StatefulRedisConnection<String, String>> connect) {
        routes.add(nodes.computeIfAbsent(address, a -> connect.get().async()));
        channelsPerNode.merge(address, 1, Integer::sum);
    }

    /** How many of the channels each Redis node serves, {@code host:port -> count}. */
    public Map<String, Integer> channelsPerNode() {
        return channelsPerNode;
    }

    @Override
    public void prepare() throws Exception {
        for (RedisAsyncCommands<String, String> node : nodes.values()) {
            ApplyScript.load(node).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public CompletionStage<?> publish(long seq, long micros, int channelIndex) {
        ChannelName channel = channels.get(channelIndex);
        return script.apply(routes.get(channelIndex), channel, seq + 1, 0, envelopes.json(channel.value(), seq, micros),
                        Retention.DEFAULT)
                .thenApply(reply -> {
                    if (ApplyScript.result(reply).outcome() != ApplyResult.Outcome.APPLIED) {
                        throw new IllegalStateException("not applied: " + reply);
                    }
                    return reply;
                });
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
