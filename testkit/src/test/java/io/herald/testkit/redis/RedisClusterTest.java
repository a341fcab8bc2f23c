package io.herald.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterTest {

    private RedisCluster cluster;
    private RedisClusterClient client;

    @BeforeAll
    void start() {
        cluster = RedisCluster.start();
        client = RedisClusterClient.create(cluster.uris());
    }

    @AfterAll
    void stop() {
        client.shutdown();
        cluster.close();
    }

    @Test
    void threePrimariesServeEverySlotAndAClusterClientWritesAcrossThem() {
        assertThat(cluster.primaries()).hasSize(3);
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            for (int i = 0; i < 30; i++) {
                c.sync().set("k" + i, "v" + i);
            }
            assertThat(c.sync().get("k7")).isEqualTo("v7");
        }
        long distinct = java.util.stream.IntStream.range(0, 30).mapToObj(i -> cluster.primaryFor("k" + i)).distinct().count();
        assertThat(distinct).isEqualTo(3);
    }

    @Test
    void aMigratedSlotKeepsItsKeysOnTheNewPrimary() {
        String key = "{moving}key";
        int slot = SlotHash.getSlot(key);
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            c.sync().set(key, "kept");
            RedisServer source = cluster.primaryForSlot(slot);
            RedisServer target = cluster.primaries().stream().filter(p -> p != source).findFirst().orElseThrow();
            cluster.migrateSlot(slot, target);
            assertThat(cluster.primaryForSlot(slot)).isSameAs(target);
            assertThat(c.sync().get(key)).isEqualTo("kept");
        }
    }

    @Test
    void killingAPrimaryPromotesItsReplicaAndTheRestoredNodeRejoinsAsReplica() {
        String key = "{failing}key";
        int slot = SlotHash.getSlot(key);
        RedisServer replica = cluster.replicaFor(slot);
        RedisServer killed = cluster.failover(slot);
        assertThat(cluster.primaryForSlot(slot)).isSameAs(replica);
        cluster.restore(killed);
        assertThat(cluster.primaries()).hasSize(3).doesNotContain(killed);
        assertThat(cluster.replicaOf(replica)).contains(killed);
    }
}
