package io.herald.edge.history;

import io.herald.core.kafka.LayoutWatch;
import io.herald.edge.settings.ConnectionProperties;
import io.herald.edge.settings.EdgeProperties;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class HistoryConfiguration {

    /**
     * The topic's layout (how its partition count grew), read again every {@code herald.edge.recovery.layout-refresh}
     * so that a growth reaches catch-ups without a restart (the first use reads it when the background read has
     * not yet; a failure fails the catch-up, which is retried).
     */
    @Bean(destroyMethod = "close")
    LayoutWatch layoutWatch(ConnectionProperties.Kafka kafka, ConnectionProperties.Topic topic, EdgeProperties edge) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-edge-" + edge.nodeId() + "-layout");
        return new LayoutWatch(config, topic.topic(), edge.recovery().layoutRefresh(), edge.recovery().kafkaTimeout());
    }
}
