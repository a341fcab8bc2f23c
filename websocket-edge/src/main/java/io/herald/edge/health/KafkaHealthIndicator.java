package io.herald.edge.health;

import io.herald.edge.settings.ConnectionProperties;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code kafka} health component: the notifications topic can be described. Kafka is where the edge reads
 * gaps the Redis log cannot prove (resumes beyond the hot window, Redis restarted empty); live delivery works
 * without it, which is why load balancers should use the {@code live} health group (redis and pubsub) and
 * alerts the full health.
 */
@Component
public class KafkaHealthIndicator implements HealthIndicator, DisposableBean {

    private final Map<String, Object> config;
    private final String topic;
    private final long timeoutMillis;
    private Admin admin;

    public KafkaHealthIndicator(ConnectionProperties.Kafka kafka, ConnectionProperties.Topic topic,
            HealthProperties properties) {
        this.timeoutMillis = properties.kafkaTimeout().toMillis();
        this.topic = topic.topic();
        Map<String, Object> config = kafka.clientConfig();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-edge-health");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
        this.config = Map.copyOf(config);
    }

    @Override
    public Health health() {
        try {
            TopicDescription description = admin().describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            return Health.up().withDetail("topic", topic).withDetail("partitions", description.partitions().size()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", "interrupted").build();
        } catch (ExecutionException e) {
            return Health.down().withDetail("topic", topic).withDetail("error", Errors.describe(e.getCause())).build();
        } catch (TimeoutException e) {
            return Health.down().withDetail("topic", topic)
                    .withDetail("error", "kafka did not answer within " + timeoutMillis + " ms").build();
        }
    }

    /** Created on the first probe and kept: the admin client reconnects by itself. */
    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) {
            admin.close();
        }
    }
}
