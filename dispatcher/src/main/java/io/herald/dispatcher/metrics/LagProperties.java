package io.herald.dispatcher.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code herald.dispatcher.lag}.
 *
 * @param refresh how often the lag and dead-letter gauges are read from Kafka (default 10 s)
 */
@ConfigurationProperties("herald.dispatcher.lag")
public record LagProperties(@DefaultValue("10s") Duration refresh) {
}
