package io.herald.engine.inspect;

import io.herald.engine.EngineException;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a dependency answers, as an operator checks it.
 *
 * @param name   {@code redis}, {@code kafka}, or an edge's URL
 * @param up     it answered in time
 * @param detail what it said (version, nodes) or why it is down
 */
public record ComponentHealth(String name, boolean up, String detail) {

    /**
     * PING, then the server's version, on every primary: on a Redis Cluster a primary that does not answer makes
     * Redis down, since the channels of its slots can be neither restored nor inspected.
     */
    public static ComponentHealth redis(RedisAccess redis) {
        try {
            Map<String, RedisClusterAsyncCommands<String, String>> primaries = redis.primaries();
            Set<String> versions = new TreeSet<>();
            for (Map.Entry<String, RedisClusterAsyncCommands<String, String>> primary : primaries.entrySet()) {
                redis.await(primary.getValue().ping(), "ping " + primary.getKey());
                String info = redis.await(primary.getValue().info("server"), "read INFO server of " + primary.getKey());
                versions.add(info.lines().filter(l -> l.startsWith("redis_version:")).map(l -> l.substring(14).trim())
                        .findFirst().orElse("?"));
            }
            String where = redis.isCluster()
                    ? "redis cluster, " + primaries.size() + " primaries " + String.join(", ", primaries.keySet())
                    : redis.where();
            return new ComponentHealth("redis", true, where + " redis " + String.join(", ", versions));
        } catch (EngineException e) {
            return new ComponentHealth("redis", false, e.getMessage());
        }
    }

    /** The cluster's brokers, and that the notifications topic exists. */
    public static ComponentHealth kafka(KafkaAccess kafka) {
        try {
            Collection<?> nodes = kafka.get(kafka.admin().describeCluster().nodes(), "describe the cluster");
            int partitions = kafka.partitionCount(kafka.topic());
            return new ComponentHealth("kafka", true, nodes.size() + " broker(s), " + kafka.topic() + " has "
                    + partitions + " partition(s)");
        } catch (EngineException e) {
            return new ComponentHealth("kafka", false, e.getMessage());
        }
    }
}
