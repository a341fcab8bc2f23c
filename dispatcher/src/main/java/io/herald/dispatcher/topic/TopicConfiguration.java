package io.herald.dispatcher.topic;

import io.herald.core.kafka.ClusterTopics;
import io.herald.core.kafka.LayoutWatch;
import io.herald.dispatcher.DispatcherProperties;
import java.time.Duration;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Declares the notifications topic and its dead-letter topic so that the dispatcher works on a fresh cluster, with
 * the replication of {@link TopicProperties} (ingest declares the same: whichever starts first creates them).
 */
@Configuration(proxyBeanMethods = false)
class TopicConfiguration {

    /**
     * The topic's growths, read again every {@code herald.kafka.layout-refresh}; pinning: while no layout is written,
     * the dispatcher writes the partition count as generation 0, so that partitions added without heraldctl are
     * held back ({@code PartitionGate}), not applied as if the topic had always had them.
     */
    @Bean
    LayoutWatch topicLayout(TopicProperties topics, KafkaProperties kafka, DispatcherProperties dispatcher) {
        return new LayoutWatch(kafka.buildAdminProperties(), topics.topic(), topics.layoutRefresh(),
                dispatcher.redisTimeout().multipliedBy(2), true);
    }

    @Bean
    KafkaAdmin.NewTopics heraldTopics(TopicProperties topics, KafkaAdmin admin, KafkaProperties kafka) {
        if (!kafka.getAdmin().isAutoCreate()) {
            return new KafkaAdmin.NewTopics(); // nothing is created: no reason to ask the cluster its size
        }
        return new KafkaAdmin.NewTopics(ClusterTopics.declare(topics.topic(), topics.partitions(), topics.replication(),
                admin.getConfigurationProperties(), Duration.ofSeconds(admin.getOperationTimeout()))
                .toArray(NewTopic[]::new));
    }
}
