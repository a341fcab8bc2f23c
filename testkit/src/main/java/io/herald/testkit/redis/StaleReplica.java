package io.herald.testkit.redis;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.awaitility.Awaitility;

/**
 * Leaves a replica behind its primary the way asynchronous replication allows, then kills the primary: the
 * replica is frozen and its link cut, the primary goes on applying writes the replica never receives, and the
 * primary dies before the replica could catch up. Whatever promotes the replica afterwards (Sentinel, the
 * cluster's own failover) promotes it with older data than the primary had acknowledged.
 */
final class StaleReplica {

    /** Script calls (Herald's applies) the primary must take after the cut, so that the replica misses a few. */
    private static final long MISSED_APPLIES = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private StaleReplica() {
    }

    /**
     * Freezes the primary's replicas, cuts them off it, waits until the primary applied a few more writes under
     * load (someone must be writing), kills the primary with SIGKILL and lets the replicas run again.
     */
    static void isolateThenKillPrimary(RedisServer primary, List<RedisServer> replicas) {
        replicas.forEach(RedisServer::pause);
        try {
            // what the primary had sent the frozen replica would otherwise wait in its socket and arrive on resume
            command(primary, c -> c.clientKill(KillArgs.Builder.typeSlave()));
            long applied = scriptCalls(primary);
            Awaitility.await("writes on " + primary + " that its replica never receives").atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> scriptCalls(primary) >= applied + MISSED_APPLIES);
            primary.kill();
        } finally {
            replicas.forEach(RedisServer::resume);
        }
    }

    /** EVAL and EVALSHA calls so far, from {@code INFO commandstats}. */
    private static long scriptCalls(RedisServer server) {
        long calls = 0;
        for (String line : command(server, c -> c.info("commandstats")).split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                String stats = line.substring(line.indexOf(':') + 1);
                for (String field : stats.split(",")) {
                    if (field.startsWith("calls=")) {
                        calls += Long.parseLong(field.substring("calls=".length()));
                    }
                }
            }
        }
        return calls;
    }

    private static <T> T command(RedisServer server, Function<RedisCommands<String, String>, T> call) {
        RedisClient client = RedisClient.create(server.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return call.apply(c.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
