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
     * so that a growth reaches catch-ups without a restart. The edge is configured with no partition count (it
     * always took the topic's own): the watch starts from a placeholder of one partition, and {@link KafkaLog} reads
     * the layout itself before its first use.
     */
    @Bean(destroyMethod = "close")
    LayoutWatch layoutWatch(ConnectionProperties.Kafka kafka, ConnectionProperties.Topic topic, EdgeProperties edge) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-edge-" + edge.nodeId() + "-layout");
        // the read's clients give up within kafka-timeout too: by default closing them waits 60 s for a Kafka away
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, edge.recovery().kafkaTimeout().toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
        return new LayoutWatch(config, topic.topic(), 1, edge.recovery().layoutRefresh(),
                edge.recovery().kafkaTimeout());
    }
}
