package io.herald.dispatcher.consumer;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.redis.ApplyScript;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.EnvelopeProperties;
import io.herald.dispatcher.apply.BatchApplier;
import io.herald.dispatcher.apply.CommandDecoder;
import io.herald.dispatcher.deadletter.DeadLetterPublisher;
import io.herald.dispatcher.metrics.DispatcherMetrics;
import io.herald.dispatcher.redis.RedisAvailability;
import io.herald.dispatcher.redis.RedisConnections;
import io.herald.dispatcher.retention.RetentionPolicy;
import io.herald.dispatcher.topic.TopicProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Wires the consumer group: Spring Boot's Kafka factories (so {@code spring.kafka.*} applies) with the
 * settings exactly-once depends on forced here rather than left to configuration.
 */
@Configuration(proxyBeanMethods = false)
class ConsumerConfiguration {

    /** Raw bytes in, so that a record that is not even UTF-8 still reaches the DLT unchanged; offsets only by the container. */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer dispatcherConsumerSettings() {
        return factory -> factory.updateConfigs(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    }

    /** The dead-letter producer: original bytes out, acknowledged by all in-sync replicas, no duplicates on retry. */
    @Bean
    DefaultKafkaProducerFactoryCustomizer dispatcherProducerSettings() {
        return factory -> factory.updateConfigs(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
    }

    @Bean
    RetentionPolicy retentionPolicy(DispatcherProperties dispatcher) {
        return new RetentionPolicy(dispatcher.retention());
    }

    @Bean
    CommandDecoder commandDecoder(EnvelopeProperties envelope, RetentionPolicy retention) {
        return new CommandDecoder(new RecordDecoder(new EnvelopeCodec(envelope.limits())), retention);
    }

    @Bean
    BatchApplier batchApplier(RedisConnections connections, DispatcherProperties dispatcher) {
        return new BatchApplier(connections, new ApplyScript(dispatcher.shardedPubsub()), dispatcher.redisTimeout());
    }

    @Bean
    DeadLetterPublisher deadLetterPublisher(KafkaTemplate<byte[], byte[]> template, TopicProperties topics) {
        return new DeadLetterPublisher(template, topics.topic());
    }

    @Bean
    DispatcherMetrics dispatcherMetrics(MeterRegistry registry, RedisAvailability redis) {
        return new DispatcherMetrics(registry, redis);
    }

    @Bean
    NotificationBatchListener notificationBatchListener(CommandDecoder decoder, BatchApplier applier,
            DeadLetterPublisher deadLetters, RedisAvailability redis, DispatcherMetrics metrics) {
        return new NotificationBatchListener(decoder, applier, deadLetters, redis, metrics);
    }

    /**
     * Retries a failed batch whole, pausing the partitions and polling meanwhile so the consumer keeps its
     * place in the group, with a backoff that never runs out and every exception retryable: the fallback batch
     * handler only calls its recoverer (which would log and skip the batch) when retries end. The recoverer
     * here throws anyway, which makes spring-kafka seek back and redeliver instead, should that ever happen.
     */
    @Bean
    DefaultErrorHandler dispatcherErrorHandler(DispatcherProperties dispatcher) {
        DispatcherProperties.Backoff settings = dispatcher.backoff();
        ExponentialBackOff backOff = new ExponentialBackOff(settings.initial().toMillis(), settings.multiplier());
        backOff.setMaxInterval(settings.max().toMillis());
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, error) -> {
            throw new IllegalStateException("the dispatcher never skips a record", error);
        }, backOff);
        handler.setClassifications(Map.of(), true);
        return handler;
    }

    @Bean
    ConcurrentMessageListenerContainer<?, ?> notificationsListenerContainer(
            ConcurrentKafkaListenerContainerFactory<?, ?> kafkaListenerContainerFactory, TopicProperties topics,
            DispatcherProperties dispatcher, NotificationBatchListener listener, DefaultErrorHandler errorHandler) {
        ConcurrentMessageListenerContainer<?, ?> container = kafkaListenerContainerFactory.createContainer(topics.topic());
        ContainerProperties properties = container.getContainerProperties();
        properties.setGroupId(dispatcher.groupId());
        properties.setClientId("herald-dispatcher");
        // commit after the listener returned for the whole batch, never before
        properties.setAckMode(ContainerProperties.AckMode.BATCH);
        // ... and without waiting for the broker's answer before the next poll: a synchronous commit puts a
        // broker round trip between every two batches. Safe because the apply script drops what Redis already
        // holds by position: a commit that is lost (crash, rebalance) only redelivers records Redis then counts
        // as duplicates; a failed commit is logged and the next one covers its offsets.
        properties.setSyncCommits(false);
        container.setCommonErrorHandler(errorHandler);
        container.setupMessageListener(listener);
        return container;
    }

    /** First contact with Redis at startup: loads the script and reports an outage at once, without failing startup. */
    @Bean
    ApplicationRunner applyScriptLoader(BatchApplier applier, RedisAvailability redis) {
        return args -> {
            Throwable error = applier.loadScript();
            if (error != null) {
                redis.unavailable(error, "phase=startup");
            }
        };
    }
}
