package io.herald.edge.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the edge's health indicators ({@code herald.edge.health.*}).
 *
 * @param canary       the pub/sub liveness probe
 * @param redisTimeout how long the {@code redis} indicator's PING may take (default 2 s)
 * @param kafkaTimeout how long the {@code kafka} indicator may wait for the broker (default 3 s)
 */
@ConfigurationProperties("herald.edge.health")
public record HealthProperties(
        @DefaultValue Canary canary,
        @DefaultValue("2s") Duration redisTimeout,
        @DefaultValue("3s") Duration kafkaTimeout) {

    /**
     * @param interval how often a canary is published on the node's canary channel (default 2 s)
     * @param timeout  the {@code pubsub} indicator is DOWN when no canary published within this time came back
     *                 through the node's pub/sub connection (default 6 s, three canaries)
     */
    public record Canary(@DefaultValue("2s") Duration interval, @DefaultValue("6s") Duration timeout) {
    }
}
