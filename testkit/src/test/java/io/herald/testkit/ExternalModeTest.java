package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import org.junit.jupiter.api.Test;

/** The handles the extensions give out when HERALD_TEST_KAFKA_BOOTSTRAP / HERALD_TEST_REDIS_URL are set. */
@WithKafka
@WithRedis
class ExternalModeTest {

    @Test
    void anExternalBrokerServesTopicsButCannotBeRestarted(KafkaBroker running) throws Exception {
        try (KafkaBroker external = KafkaBroker.external(running.bootstrapServers())) {
            assertThat(external.controllable()).isFalse();
            assertThat(external.bootstrapServers()).isEqualTo(running.bootstrapServers());
            RoundTrips.kafka(external.bootstrapServers(), () -> external.createTopic("testkit.external", 1),
                    "testkit.external");
            assertThatThrownBy(external::restart)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining(KafkaBroker.EXTERNAL_BOOTSTRAP_ENV)
                    .hasMessageContaining("controllable()");
        }
        // Closing the handle leaves the broker alone.
        RoundTrips.produce(running.bootstrapServers(), "testkit.external", "k", "still up");
    }

    @Test
    void anExternalRedisServesDataButCannotBeKilled(RedisServer running) {
        RedisServer external = RedisServer.external(running.url());

        assertThat(external.controllable()).isFalse();
        assertThat(external.port()).isEqualTo(running.port());
        RoundTrips.redis(external.url());
        assertThatThrownBy(external::kill).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining(RedisServer.EXTERNAL_URL_ENV);
        assertThatThrownBy(external::restart).isInstanceOf(UnsupportedOperationException.class);

        external.close();
        RoundTrips.redis(running.url());
    }

    @Test
    void anExternalRedisUrlWithoutPortMeansTheDefaultPort() {
        assertThat(RedisServer.external("redis://redis.example").port()).isEqualTo(6379);
    }
}
