package io.herald.engine.inspect;

import io.herald.engine.EngineException;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import java.util.Collection;

/**
 * Whether a dependency answers, as an operator checks it.
 *
 * @param name   {@code redis}, {@code kafka}, or an edge's URL
 * @param up     it answered in time
 * @param detail what it said (version, nodes) or why it is down
 */
public record ComponentHealth(String name, boolean up, String detail) {

    /** PING, then the server's version. */
    public static ComponentHealth redis(RedisAccess redis) {
        try {
            var async = redis.connection().async();
            redis.await(async.ping(), "ping");
            String info = redis.await(async.info("server"), "read INFO server");
            String version = info.lines().filter(l -> l.startsWith("redis_version:")).map(l -> l.substring(14).trim())
                    .findFirst().orElse("?");
            return new ComponentHealth("redis", true, redis.where() + " redis " + version);
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
