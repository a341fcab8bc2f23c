package io.herald.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.kafka.Topics;
import io.herald.e2e.support.Systems;
import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.kafka.KafkaCluster;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Herald on a Kafka cluster of three KRaft nodes (issue 13), each its own JVM: the services create their topics
 * with three replicas and {@code min.insync.replicas=2} by default, and ingest writes with {@code acks=all}, so a
 * 202 means the notification is on two brokers at least. Under the fault suite's load and audit, the leader of the
 * partition every client follows is killed with SIGKILL: every notification ingest accepted must reach every client
 * once and in order, with no reset, and the broker must rejoin the ISR after a restart.
 */
@Tag(MultiNode.TAG)
class KafkaClusterIT {

    private static final String TOPIC = "herald.notifications";
    private static final int PARTITIONS = 3;

    private static KafkaCluster cluster;
    private static HeraldSystem system;

    @BeforeAll
    static void start() {
        cluster = KafkaCluster.start(3);
        system = Systems.startOn(cluster.bootstrapServers(), "kafka-cluster", 2);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theServicesCreateTheTopicsWithThreeReplicasAndMinIsrTwo() {
        for (String topic : List.of(TOPIC, Topics.deadLetters(TOPIC))) {
            assertThat(cluster.describe(topic).partitions()).as(topic).hasSize(PARTITIONS)
                    .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));
            assertThat(cluster.topicConfig(topic, "min.insync.replicas")).as(topic).contains("2");
        }
    }

    @Test
    void leaderOfTheBusiestPartitionKilledUnderLoadThenRestarted() {
        Scenario scenario = new Scenario(system, "kafka-leader-kill");
        List<String> channels = scenario.channels();
        int partition = DispatcherGroup.partitionOf(channels.get(channels.size() - 1), PARTITIONS); // broadcast: every client
        cluster.awaitIsrSize(TOPIC, 3);
        int leader = cluster.leaderOf(TOPIC, partition);
        int controller = cluster.activeController();
        int[] newLeader = {-1};
        Steps steps = new Steps("kafka-leader-kill");
        Scenario.Result result = scenario.run(
                () -> {
                    steps.begin();
                    cluster.kill(leader);
                    newLeader[0] = cluster.awaitLeader(TOPIC, partition, node -> node != leader);
                    steps.mark("new-leader-elected");
                },
                () -> {
                    steps.mark("restarting");
                    cluster.restart(leader);
                    steps.mark("started");
                    cluster.awaitInSync(TOPIC, leader);
                    steps.mark("back-in-isr");
                });

        assertThat(result.faulty()).as("audits with a lost, duplicated or reordered notification or a reset").isEmpty();
        assertThat(result.delivered()).isEqualTo(result.expected());
        assertThat(cluster.isrOf(TOPIC, partition)).as("the restarted broker rejoined the ISR").containsExactly(1, 2, 3);
        steps.print();
        System.out.println("RELIABILITY-NOTE kafka-leader-kill partition=" + partition + " killedNode=" + leader
                + " wasActiveController=" + (controller == leader) + " newLeader=" + newLeader[0]);
    }
}
