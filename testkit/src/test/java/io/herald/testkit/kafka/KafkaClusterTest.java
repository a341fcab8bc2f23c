package io.herald.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.RoundTrips;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {

    private static final String TOPIC = "testkit.replicated";
    private static KafkaCluster cluster;

    @BeforeAll
    static void start() {
        cluster = KafkaCluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeNodesEachAProcessOfItsOwnOnLoopback() {
        assertThat(cluster.nodeIds()).containsExactly(1, 2, 3);
        assertThat(cluster.bootstrapServers().split(","))
                .hasSize(3)
                .allSatisfy(address -> assertThat(address).matches("127\\.0\\.0\\.1:\\d+"));
        assertThat(cluster.nodeIds().stream().map(id -> cluster.process(id).process().pid()).distinct()).hasSize(3);
    }

    @Test
    void anAcknowledgedRecordSurvivesASigkillOfItsLeaderAndTheLeaderRejoinsTheIsrAfterARestart() throws Exception {
        cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2"));
        assertThat(cluster.describe(TOPIC).partitions().get(0).replicas()).hasSize(3);
        assertThat(cluster.topicConfig(TOPIC, "min.insync.replicas")).contains("2");
        cluster.awaitIsrSize(TOPIC, 3);
        RoundTrips.produce(cluster.bootstrapServers(), TOPIC, "user:7", "before-kill");
        int leader = cluster.leaderOf(TOPIC, 0);
        long pid = cluster.process(leader).process().pid();

        cluster.kill(leader);

        assertThat(cluster.isAlive(leader)).isFalse();
        int newLeader = cluster.awaitLeader(TOPIC, 0, node -> node != leader);
        assertThat(cluster.isrOf(TOPIC, 0)).hasSize(2).doesNotContain(leader).contains(newLeader);
        // acks=all with min ISR 2: the two survivors are enough to acknowledge
        RoundTrips.produce(cluster.bootstrapServers(), TOPIC, "user:7", "after-kill");

        cluster.restart(leader);

        assertThat(cluster.process(leader).process().pid()).isNotEqualTo(pid);
        cluster.awaitIsrSize(TOPIC, 3);
        assertThat(cluster.isrOf(TOPIC, 0)).containsExactly(1, 2, 3);
        assertThat(RoundTrips.consume(cluster.bootstrapServers(), TOPIC, 2))
                .extracting(ConsumerRecord::value)
                .containsExactly("before-kill", "after-kill");
    }
}
