package io.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.kafka.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class PublisherSettingsTest {

    @Test
    void defaultsGuaranteeDurabilityAndTheRecordFormat() {
        PublisherSettings settings = PublisherSettings.builder()
                .bootstrapServers("127.0.0.1:1")
                // what Spring Boot's buildProducerProperties() always contains: must not win
                .producerProperty("key.serializer", StringSerializer.class)
                .producerProperty("value.serializer", StringSerializer.class)
                .producerProperty("bootstrap.servers", "elsewhere:9092")
                .producerProperty("linger.ms", 20)
                .build();

        assertThat(settings.topic()).isEqualTo(Topics.DEFAULT_NOTIFICATIONS);
        assertThat(settings.producerConfig())
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("compression.type", "lz4")
                .containsEntry("linger.ms", 20)
                .containsEntry("bootstrap.servers", "127.0.0.1:1")
                .containsEntry("key.serializer", ByteArraySerializer.class)
                .containsEntry("value.serializer", ByteArraySerializer.class);
    }

    @Test
    void theLayoutReadsTakeTheProducersConnectionAndSecurityButNotItsSerializersOrClientId() {
        PublisherSettings settings = PublisherSettings.builder()
                .bootstrapServers("127.0.0.1:1")
                .producerProperty("security.protocol", "SASL_SSL")
                .producerProperty("sasl.mechanism", "SCRAM-SHA-512")
                .producerProperty("client.id", "orders")
                .build();

        assertThat(settings.layoutRefresh()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.clientConfig())
                .containsEntry("bootstrap.servers", "127.0.0.1:1")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .doesNotContainKeys("client.id", "key.serializer", "acks", "linger.ms", "compression.type");
    }

    @Test
    void refusesWeakerDeliveryGuarantees() {
        assertThatThrownBy(() -> PublisherSettings.builder().bootstrapServers("x:1").producerProperty("acks", "1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acks");
        assertThatThrownBy(() -> PublisherSettings.builder().bootstrapServers("x:1")
                .producerProperty("enable.idempotence", "false").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotence");
        assertThat(PublisherSettings.builder().bootstrapServers("x:1").producerProperty("acks", "-1").build()
                .producerConfig()).containsEntry("acks", "-1");
    }

    @Test
    void requiresBootstrapServers() {
        assertThatThrownBy(() -> PublisherSettings.builder().build()).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> PublisherSettings.builder().bootstrapServers(" ").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
