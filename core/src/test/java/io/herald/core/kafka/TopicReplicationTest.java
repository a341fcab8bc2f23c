package io.herald.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicReplicationTest {

    @Test
    void byDefaultThreeReplicasAndMinIsrTwoOnAClusterOfThreeOrMore() {
        assertThat(TopicReplication.AUTO.resolve(3)).isEqualTo(new TopicReplication.Resolved((short) 3, 2));
        assertThat(TopicReplication.AUTO.resolve(7)).isEqualTo(new TopicReplication.Resolved((short) 3, 2));
        assertThat(TopicReplication.AUTO.resolve(3).topicConfigs()).isEqualTo(Map.of("min.insync.replicas", "2"));
    }

    @Test
    void byDefaultEveryBrokerAndMinIsrOneOnSmallerClusters() {
        assertThat(TopicReplication.AUTO.resolve(1)).isEqualTo(new TopicReplication.Resolved((short) 1, 1));
        assertThat(TopicReplication.AUTO.resolve(2)).isEqualTo(new TopicReplication.Resolved((short) 2, 1));
    }

    @Test
    void explicitSettingsWin() {
        assertThat(new TopicReplication(5, 3).resolve(5)).isEqualTo(new TopicReplication.Resolved((short) 5, 3));
        assertThat(new TopicReplication(2, 0).resolve(3)).isEqualTo(new TopicReplication.Resolved((short) 2, 1));
        assertThat(new TopicReplication(0, 1).resolve(3)).isEqualTo(new TopicReplication.Resolved((short) 3, 1));
    }

    @Test
    void aMinIsrNoReplicaSetCanMeetIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new TopicReplication(2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("herald.kafka.min-insync-replicas (3) above herald.kafka.replication-factor (2)");
        assertThatThrownBy(() -> new TopicReplication(0, 2).resolve(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("herald.kafka.min-insync-replicas=2 but the topics get 1 replicas");
        assertThatThrownBy(() -> new TopicReplication(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TopicReplication(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
