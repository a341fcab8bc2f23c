package io.herald.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.RoundTrips;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerProcessTest {

    @Test
    void acknowledgedRecordsSurviveASigkillOfTheBrokerJvm(@TempDir Path dir) throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("broker"), 0, dir.resolve("broker.log"))) {
            String bootstrap = broker.bootstrapServers();
            assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");
            try (KafkaBroker admin = KafkaBroker.external(bootstrap)) {
                admin.createTopic("testkit.crash", 1);
            }
            RoundTrips.produce(bootstrap, "testkit.crash", "user:7", "acked-before-kill");
            long firstPid = broker.process().pid();

            broker.kill();

            assertThat(broker.process().isAlive()).isFalse();
            broker.restart();

            assertThat(broker.process().pid()).isNotEqualTo(firstPid);
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(RoundTrips.consume(bootstrap, "testkit.crash", 1))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("acked-before-kill");
        }
    }
}
