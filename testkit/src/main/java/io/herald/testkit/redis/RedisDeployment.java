package io.herald.testkit.redis;

import java.util.List;

/**
 * A Redis that Herald's services can be pointed at, whatever its topology: one server ({@link RedisServer}), a
 * primary with a replica behind Sentinels ({@link RedisSentinelGroup}) or a Redis Cluster ({@link RedisCluster}).
 * Lets one test, or one whole-system harness, run over every topology.
 */
public interface RedisDeployment extends AutoCloseable {

    /** The Spring Boot command-line arguments that point a Herald service at this Redis. */
    List<String> springArgs();

    /** Stops every process of it. */
    @Override
    void close();
}
