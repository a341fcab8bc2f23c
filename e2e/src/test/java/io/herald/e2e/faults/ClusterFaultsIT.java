package io.herald.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.e2e.support.Systems;
import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.cluster.SlotHash;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's Redis rows on a Redis Cluster of three primaries, each with a replica: every service is given
 * only the seed nodes. The fault hits the shard of the broadcast channel, which every client follows.
 */
class ClusterFaultsIT {

    private static HeraldSystem system;

    @BeforeAll
    static void start() {
        system = Systems.start("cluster-faults", 2, 1, RedisCluster::start);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /**
     * The primary of the broadcast channel's slot is killed under load and the cluster promotes its replica. The
     * dispatcher commits a batch only once the shard's replica confirmed it (WAIT), so the promoted replica lacks at
     * most the batch in flight, which is applied again; the edges re-home their sharded subscriptions and catch up.
     */
    @Test
    void thePrimaryOfABusySlotKilledUnderLoad() {
        RedisCluster redis = system.redis(RedisCluster.class);
        Scenario scenario = new Scenario(system, "cluster-failover").withReadersFromStart();
        int slot = slotOf(scenario);
        RedisServer primary = redis.primaryForSlot(slot);
        Scenario.Result result = scenario.run(() -> redis.failover(slot), () -> redis.restore(primary));
        assertThat(redis.primaryForSlot(slot)).as("the replica was promoted").isNotSameAs(primary);
        assertClean(result);
    }

    /**
     * The replica of the broadcast channel's shard stops receiving while its primary goes on applying under load,
     * then the primary dies and the cluster promotes the stale replica. The writes it missed were never confirmed
     * by a replica (WAIT), so no batch holding them was committed: the dispatcher applies them again on the new
     * primary before anything newer.
     */
    @Test
    void aReplicaThatMissedTheLastWritesPromoted() {
        RedisCluster redis = system.redis(RedisCluster.class);
        Scenario scenario = new Scenario(system, "cluster-stale-promotion").withReadersFromStart();
        int slot = slotOf(scenario);
        RedisServer primary = redis.primaryForSlot(slot);
        Scenario.Result result = scenario.run(() -> redis.failoverToStaleReplica(slot), () -> redis.restore(primary));
        assertThat(redis.primaryForSlot(slot)).as("the replica was promoted").isNotSameAs(primary);
        assertClean(result);
    }

    /** The broadcast channel's slot moves to another primary, keys and all, while clients follow it. */
    @Test
    void aBusySlotMigratedToAnotherPrimaryUnderLoad() {
        RedisCluster redis = system.redis(RedisCluster.class);
        Scenario scenario = new Scenario(system, "cluster-migration").withReadersFromStart();
        int slot = slotOf(scenario);
        RedisServer source = redis.primaryForSlot(slot);
        RedisServer target = redis.primaries().stream().filter(p -> p != source).findFirst().orElseThrow();
        Scenario.Result result = scenario.run(() -> redis.migrateSlot(slot, target), () -> { });
        assertThat(redis.primaryForSlot(slot)).isSameAs(target);
        assertClean(result);
    }

    /** The slot of the scenario's broadcast channel (its last): all of a channel's keys share its hash tag. */
    private static int slotOf(Scenario scenario) {
        List<String> channels = scenario.channels();
        return SlotHash.getSlot(RedisKeys.pubsub(ChannelName.parse(channels.get(channels.size() - 1))));
    }

    private static void assertClean(Scenario.Result result) {
        assertThat(result.faulty()).as("audits with a lost, duplicated or reordered notification or a reset").isEmpty();
        assertThat(result.delivered()).isEqualTo(result.expected());
    }
}
