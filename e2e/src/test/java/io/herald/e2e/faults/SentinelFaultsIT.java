package io.herald.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.e2e.support.Systems;
import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.redis.RedisSentinelGroup;
import io.herald.testkit.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's Redis rows on the topology most production Redis has: a primary and a replica behind three
 * Sentinels. Every service is given only the Sentinels' addresses and must follow a promotion by itself.
 */
class SentinelFaultsIT {

    private static HeraldSystem system;

    @BeforeAll
    static void start() {
        system = Systems.start("sentinel-faults", 2, 1, RedisSentinelGroup::start);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /**
     * The primary is killed under load and the Sentinels promote the replica. Replication is asynchronous, so
     * the replica may lack the last notifications the dispatcher applied (and committed) before the kill: the
     * dispatcher must see that another dataset answers and apply them again. Live clients, and clients reading
     * from 0-0 afterwards, must get everything.
     */
    @Test
    void primaryKilledUnderLoadAndTheReplicaPromoted() {
        RedisSentinelGroup redis = system.redis(RedisSentinelGroup.class);
        RedisServer primary = redis.primary();
        Scenario.Result result = new Scenario(system, "sentinel-failover").withReadersFromStart().run(
                redis::failover,
                () -> redis.restore(primary));
        assertThat(redis.primary()).as("the replica was promoted").isNotSameAs(primary);
        assertThat(result.faulty()).as("audits with a lost, duplicated or reordered notification or a reset").isEmpty();
        assertThat(result.delivered()).isEqualTo(result.expected());
    }

    /**
     * The replica stops receiving while the primary goes on applying under load, then the primary dies and the
     * Sentinels promote the stale replica: the dispatcher had committed what only the dead primary held. It must
     * notice the other dataset and apply again from Kafka what the new primary lacks, before anything newer, so that
     * no client is told {@code recovered: true} over a hole.
     */
    @Test
    void aReplicaThatMissedTheLastWritesPromoted() {
        RedisSentinelGroup redis = system.redis(RedisSentinelGroup.class);
        RedisServer primary = redis.primary();
        Scenario.Result result = new Scenario(system, "sentinel-stale-promotion").withReadersFromStart().run(
                redis::failoverToStaleReplica,
                () -> redis.restore(primary));
        assertThat(redis.primary()).as("the replica was promoted").isNotSameAs(primary);
        assertThat(result.faulty()).as("audits with a lost, duplicated or reordered notification or a reset").isEmpty();
        assertThat(result.delivered()).isEqualTo(result.expected());
    }
}
