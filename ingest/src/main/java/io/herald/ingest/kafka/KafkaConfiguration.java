package io.herald.ingest.kafka;

import io.herald.core.kafka.ClusterTopics;
import io.herald.ingest.notification.EnvelopeProperties;
import io.herald.ingest.notification.IngestProperties;
import io.herald.publisher.NotificationPublisher;
import io.herald.publisher.PublisherSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** The topics ingest declares on a fresh cluster, and the one publisher every request goes through. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    // The same declaration as the dispatcher's, so that whichever starts first creates the same topics. Same
    // partition count for the dead letters as the source topic: dead letters keep the partition they came from.
    @Bean
    KafkaAdmin.NewTopics heraldTopics(HeraldKafkaProperties kafka, KafkaAdmin admin, KafkaProperties bootKafka) {
        if (!bootKafka.getAdmin().isAutoCreate()) {
            return new KafkaAdmin.NewTopics(); // nothing is created: no reason to ask the cluster its size
        }
        return new KafkaAdmin.NewTopics(ClusterTopics.declare(kafka.topic(), kafka.partitions(), kafka.replication(),
                admin.getConfigurationProperties(), Duration.ofSeconds(admin.getOperationTimeout()))
                .toArray(NewTopic[]::new));
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
                // the publisher reads the topic's layout itself, for positions in partitions a growth created
                .layoutRefresh(kafka.layoutRefresh())
                .build();
        return NotificationPublisher.create(settings);
    }
}
