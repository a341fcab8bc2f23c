package io.herald.dispatcher.metrics;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.KafkaAccess;
import io.herald.engine.inspect.ComponentHealth;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The lag and dead-letter gauges ({@link LagMetrics}) and the {@code kafka} health component. */
@Configuration(proxyBeanMethods = false)
class MonitoringConfiguration {

    @Bean
    LagMetrics lagMetrics(MeterRegistry registry, KafkaAccess kafka, DeadLetters deadLetters,
            DispatcherProperties dispatcher, LagProperties lag) {
        return new LagMetrics(registry, kafka, deadLetters, dispatcher.groupId(), lag.refresh());
    }

    /** The brokers answer and the notifications topic exists (the same check as {@code heraldctl status}). */
    @Bean
    HealthIndicator kafkaHealthIndicator(KafkaAccess kafka) {
        return () -> {
            ComponentHealth health = ComponentHealth.kafka(kafka);
            return (health.up() ? Health.up() : Health.down()).withDetail(health.up() ? "cluster" : "error", health.detail())
                    .build();
        };
    }
}
