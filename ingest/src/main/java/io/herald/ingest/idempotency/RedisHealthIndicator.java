package io.herald.ingest.idempotency;

import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports Redis as the {@code redis} health component, as Spring Boot's own indicator did before ingest made its
 * client with {@code RedisClientFactory}: on one server (or through Sentinel) UP with the server's {@code version};
 * on a Redis Cluster UP while {@code CLUSTER INFO} says {@code cluster_state:ok}, with {@code cluster_size},
 * {@code slots_up} and {@code slots_fail}. DOWN with the error when Redis does not answer within the timeout. Not
 * in the readiness group: unkeyed requests need no Redis.
 */
final class RedisHealthIndicator implements HealthIndicator {

    private final IdempotencyRedis redis;

    RedisHealthIndicator(IdempotencyRedis redis) {
        this.redis = redis;
    }

    @Override
    public Health health() {
        try {
            if (redis.isCluster()) {
                Map<String, String> info = fields(redis.call(commands -> commands.clusterInfo()));
                Health.Builder health = "ok".equals(info.get("cluster_state")) ? Health.up() : Health.down();
                return health.withDetail("cluster_size", Long.parseLong(info.getOrDefault("cluster_size", "0")))
                        .withDetail("slots_up", Long.parseLong(info.getOrDefault("cluster_slots_ok", "0")))
                        .withDetail("slots_fail", Long.parseLong(info.getOrDefault("cluster_slots_fail", "0")))
                        .build();
            }
            Map<String, String> server = fields(redis.call(commands -> commands.info("server")));
            return Health.up().withDetail("version", server.getOrDefault("redis_version", "unknown")).build();
        } catch (IdempotencyRedis.Unavailable e) {
            return Health.down().withDetail("error", e.getMessage()).build();
        }
    }

    /** {@code name:value} lines, as INFO and CLUSTER INFO answer. */
    private static Map<String, String> fields(String reply) {
        return reply.lines().filter(line -> line.indexOf(':') > 0)
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(':')),
                        line -> line.substring(line.indexOf(':') + 1).trim(), (a, b) -> b));
    }
}
