package io.herald.publisher;

import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.kafka.Topics;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How a {@link NotificationPublisher} connects and what it writes. Build with {@link #builder()}.
 *
 * @param bootstrapServers   Kafka's bootstrap servers, e.g. {@code localhost:9092} (required)
 * @param topic              the notifications topic (default {@value Topics#DEFAULT_NOTIFICATIONS})
 * @param producerProperties extra Kafka producer properties (SSL, SASL, client.id, tuning); they override the
 *                           defaults below except that delivery guarantees may not be weakened
 * @param limits             envelope size limits, which must match the dispatcher's (default 64 KiB of data)
 * @param closeTimeout       how long {@link NotificationPublisher#close()} waits for unacknowledged records
 *                           (default 30 s)
 * @param layoutRefresh      how often the publisher reads the topic's layout ({@code <topic>.layout}, written by
 *                           {@code heraldctl topic grow}) again, so that positions in partitions a growth created carry
 *                           their base (default 5 s). A partition the last read did not know is read at once anyway
 */
public record PublisherSettings(String bootstrapServers, String topic, Map<String, Object> producerProperties,
                                EnvelopeLimits limits, Duration closeTimeout, Duration layoutRefresh) {

    /**
     * Producer defaults: acks=all and idempotence so that an acknowledged record is durable and a retry by the
     * client never duplicates or reorders it; a short linger so that concurrent publishes share a batch; lz4
     * because it compresses JSON well at almost no CPU cost (kafka-clients brings lz4-java at runtime).
     */
    public static final Map<String, Object> DEFAULT_PRODUCER_PROPERTIES = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    /**
     * The producer settings the layout reads (an admin client and a consumer) take too: connection, security and
     * network settings, the names both of those clients know. Not the client id: two clients of one process sharing
     * it would clash in JMX.
     */
    private static final Set<String> SHARED_CLIENT_CONFIGS = AdminClientConfig.configNames().stream()
            .filter(ConsumerConfig.configNames()::contains)
            .filter(name -> !name.equals(CommonClientConfigs.CLIENT_ID_CONFIG))
            .collect(Collectors.toUnmodifiableSet());

    public PublisherSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers is required");
        Objects.requireNonNull(topic, "topic is required");
        Objects.requireNonNull(limits, "limits is required");
        Objects.requireNonNull(closeTimeout, "closeTimeout is required");
        Objects.requireNonNull(layoutRefresh, "layoutRefresh is required");
        if (layoutRefresh.isNegative() || layoutRefresh.isZero()) {
            throw new IllegalArgumentException("layoutRefresh must be positive, was " + layoutRefresh);
        }
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic is required");
        }
        producerProperties = Collections.unmodifiableMap(new LinkedHashMap<>(producerProperties));
        requireNotWeakened(producerProperties);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The complete producer configuration: defaults, then the extras, then what the record format fixes. */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new LinkedHashMap<>(DEFAULT_PRODUCER_PROPERTIES);
        config.putAll(producerProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // key = channel UTF-8, value = canonical envelope JSON: the publisher encodes both itself
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    /** The settings of the publisher's other Kafka clients: those of {@link #producerConfig()} they share. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        producerConfig().forEach((name, value) -> {
            if (SHARED_CLIENT_CONFIGS.contains(name)) {
                config.put(name, value);
            }
        });
        return config;
    }

    // An acknowledged notification must survive a broker loss and a retry must not duplicate it: every
    // service relies on that, so an override that weakens it is a configuration error, not a preference.
    private static void requireNotWeakened(Map<String, Object> properties) {
        Object acks = properties.get(ProducerConfig.ACKS_CONFIG);
        if (acks != null && !acks.toString().equals("all") && !acks.toString().equals("-1")) {
            throw new IllegalArgumentException("acks must be all for Herald producers, was " + acks);
        }
        Object idempotence = properties.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotence != null && !Boolean.parseBoolean(idempotence.toString())) {
            throw new IllegalArgumentException("enable.idempotence must be true for Herald producers");
        }
    }

    public static final class Builder {
        private String bootstrapServers;
        private String topic = Topics.DEFAULT_NOTIFICATIONS;
        private final Map<String, Object> producerProperties = new LinkedHashMap<>();
        private EnvelopeLimits limits = EnvelopeLimits.DEFAULTS;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration layoutRefresh = Duration.ofSeconds(5);

        private Builder() {
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder producerProperty(String name, Object value) {
            producerProperties.put(name, value);
            return this;
        }

        public Builder producerProperties(Map<String, ?> properties) {
            producerProperties.putAll(properties);
            return this;
        }

        public Builder limits(EnvelopeLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        public Builder layoutRefresh(Duration layoutRefresh) {
            this.layoutRefresh = layoutRefresh;
            return this;
        }

        public PublisherSettings build() {
            return new PublisherSettings(bootstrapServers, topic, producerProperties, limits, closeTimeout,
                    layoutRefresh);
        }
    }
}
