package io.herald.ingest.kafka;

import io.herald.core.kafka.Topics;
import io.herald.ingest.notification.EnvelopeProperties;
import io.herald.ingest.notification.IngestProperties;
import io.herald.ingest.publisher.NotificationPublisher;
import io.herald.ingest.publisher.PublisherSettings;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** The topics ingest declares on a fresh broker, and the one publisher every request goes through. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    // Replication is left to the broker's default.replication.factor: 1 on a dev broker, 3 in production.
    @Bean
    NewTopic notificationsTopic(HeraldKafkaProperties kafka) {
        return TopicBuilder.name(kafka.topic()).partitions(kafka.partitions()).build();
    }

    // Same partition count as the source topic: dead letters keep the partition they came from.
    @Bean
    NewTopic deadLetterTopic(HeraldKafkaProperties kafka) {
        return TopicBuilder.name(Topics.deadLetters(kafka.topic())).partitions(kafka.partitions()).build();
    }

    @Bean(destroyMethod = "close")
    NotificationPublisher notificationPublisher(HeraldKafkaProperties kafka, IngestProperties ingest,
                                                EnvelopeProperties envelope, KafkaProperties bootKafka,
                                                KafkaConnectionDetails connection) {
        // spring.kafka.producer.* and spring.kafka.properties.* (security, client.id, tuning) apply as usual
        Map<String, Object> bootProducer = bootKafka.buildProducerProperties();
        PublisherSettings settings = PublisherSettings.builder()
                .bootstrapServers(String.join(",", connection.getProducer().getBootstrapServers()))
                .topic(kafka.topic())
                // a request must not block longer than its ack timeout while Kafka's metadata is missing
                .producerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, ingest.ackTimeout().toMillis())
                .producerProperties(bootProducer)
                .limits(envelope.limits())
                // whatever is still unacknowledged after one ack timeout has already been answered with 503
                .closeTimeout(ingest.ackTimeout())
                .build();
        return NotificationPublisher.create(settings);
    }
}
