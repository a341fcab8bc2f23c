package io.herald.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.RoundTrips;
import io.herald.testkit.junit.WithKafka;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithKafka
class KafkaBrokerTest {

    private final KafkaBroker broker;
    private KafkaBroker fromBeforeEach;

    KafkaBrokerTest(KafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeEach
    void remember(KafkaBroker broker) {
        fromBeforeEach = broker;
    }

    @Test
    void recordsMakeARoundTripThroughTheBroker() throws Exception {
        RoundTrips.kafka(broker.bootstrapServers(), () -> broker.createTopic("testkit.round-trip", 3),
                "testkit.round-trip");
    }

    @Test
    void everyInjectionPointGetsTheSameLoopbackBroker(KafkaBroker fromMethod) {
        assertThat(fromMethod).isSameAs(broker).isSameAs(fromBeforeEach);
        assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(broker.controllable()).isTrue();
    }

    @Test
    void creatingAnExistingTopicIsFine() throws Exception {
        broker.createTopic("testkit.twice", 2);
        broker.createTopic("testkit.twice", 2);

        RoundTrips.produce(broker.bootstrapServers(), "testkit.twice", "k", "v");
        assertThat(RoundTrips.consume(broker.bootstrapServers(), "testkit.twice", 1)).hasSize(1);
    }
}
