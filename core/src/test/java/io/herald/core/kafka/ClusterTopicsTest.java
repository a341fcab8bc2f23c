package io.herald.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The paths that need no broker; the cluster's size is asked of a real 3-node cluster in e2e {@code KafkaClusterIT}. */
class ClusterTopicsTest {

    @Test
    void explicitSettingsAreDeclaredWithoutAskingTheCluster() throws IOException {
        List<NewTopic> topics = ClusterTopics.declare("herald.notifications", 6, new TopicReplication(3, 2),
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort()), Duration.ofSeconds(30));

        assertThat(topics).extracting(NewTopic::name).containsExactly("herald.notifications", "herald.notifications.DLT");
        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(6);
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).isEqualTo(Map.of("min.insync.replicas", "2"));
        });
    }

    @Test
    void aClusterThatDoesNotAnswerGetsTheBrokersDefaults() throws IOException {
        List<NewTopic> topics = ClusterTopics.declare("herald.notifications", 6, TopicReplication.AUTO,
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort()), Duration.ofMillis(300));

        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(6);
            assertThat(topic.replicationFactor()).isEqualTo((short) -1); // NewTopic's "the broker's default"
            assertThat(Optional.ofNullable(topic.configs()).orElse(Map.of())).isEmpty();
        });
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
