package io.herald.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.RoundTrips;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerRestartTest {

    @Test
    void recordsSurviveARestartInPlaceAndANewStartOnTheSameDirectory(@TempDir Path dir) throws Exception {
        String bootstrap;
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            bootstrap = broker.bootstrapServers();
            broker.createTopic("testkit.durable", 2);
            RoundTrips.produce(bootstrap, "testkit.durable", "user:1", "before-restart");

            broker.restart();

            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            RoundTrips.produce(bootstrap, "testkit.durable", "user:1", "after-restart");
        }

        try (KafkaBroker again = KafkaBroker.start(dir)) {
            assertThat(again.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(RoundTrips.consume(bootstrap, "testkit.durable", 2))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("before-restart", "after-restart");
        }
        assertThat(dir.resolve("kafka-logs/meta.properties")).exists();
    }
}
