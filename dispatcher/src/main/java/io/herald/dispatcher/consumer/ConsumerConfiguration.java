package io.herald.dispatcher.consumer;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.kafka.LayoutWatch;
import io.herald.core.kafka.RecordDecoder;
import io.herald.redis.ApplyScript;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.EnvelopeProperties;
import io.herald.dispatcher.apply.Applier;
import io.herald.dispatcher.apply.BatchApplier;
import io.herald.dispatcher.apply.ClusterBatchApplier;
import io.herald.engine.apply.CommandDecoder;
import io.herald.dispatcher.dataset.DatasetGuard;
import io.herald.engine.KafkaAccess;
import io.herald.dispatcher.metrics.DispatcherMetrics;
import io.herald.dispatcher.move.RecordMover;
import io.herald.dispatcher.redis.RedisAvailability;
import io.herald.dispatcher.redis.ClusterNodes;
import io.herald.dispatcher.redis.RedisConnections;
import io.herald.dispatcher.redis.RedisTopology;
import io.herald.engine.retention.RetentionPolicy;
import io.herald.dispatcher.topic.TopicProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
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
        return new RetentionPolicy(dispatcher.retention().settings());
    }

    @Bean
    CommandDecoder commandDecoder(EnvelopeProperties envelope, RetentionPolicy retention) {
        return new CommandDecoder(new RecordDecoder(new EnvelopeCodec(envelope.limits())), retention);
    }

    @Bean
    DeadLetterPublisher deadLetterPublisher(KafkaTemplate<byte[], byte[]> template, TopicProperties topics) {
        return new DeadLetterPublisher(template, topics.topic());
    }

    @Bean
    DispatcherMetrics dispatcherMetrics(MeterRegistry registry, RedisAvailability redis) {
        return new DispatcherMetrics(registry, redis);
    }

    /**
     * Its own transactional producers, not a {@link KafkaTemplate} bean: the dead-letter template stays Boot's
     * (non-transactional) one. The transactional.id prefix is stable per instance when static membership gives it a
     * name, so that a restarted dispatcher aborts its predecessor's open transaction at once.
     */
    @Bean
    RecordMover recordMover(KafkaProperties kafka, DispatcherProperties dispatcher) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) dispatcher.moves().transactionTimeout().toMillis());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "herald-dispatcher-move");
        DefaultKafkaProducerFactory<byte[], byte[]> producers = new DefaultKafkaProducerFactory<>(config);
        producers.setTransactionIdPrefix(transactionIdPrefix(kafka, dispatcher));
        return new RecordMover(producers);
    }

    private static String transactionIdPrefix(KafkaProperties kafka, DispatcherProperties dispatcher) {
        String configured = dispatcher.moves().transactionIdPrefix();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Object instance = kafka.getConsumer().getProperties().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        String name = instance != null ? instance.toString() : UUID.randomUUID().toString();
        return dispatcher.groupId() + "-move-" + name + "-";
    }

    /** Checks every second whether a held partition may be released: a growth's wait should not add more. */
    @Bean
    PartitionGate partitionGate(LayoutWatch layout, KafkaProperties kafka, DispatcherProperties dispatcher) {
        Map<String, Object> config = new HashMap<>(kafka.buildAdminProperties());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-dispatcher-partition-gate");
        return new PartitionGate(layout, Admin.create(config), dispatcher.groupId(), Duration.ofSeconds(1),
                dispatcher.redisTimeout());
    }

    @Bean
    NotificationBatchListener notificationBatchListener(CommandDecoder decoder, Applier applier,
            DeadLetterPublisher deadLetters, RedisAvailability redis, DispatcherMetrics metrics, RecordMover mover,
            HandledOffsets handled, LayoutWatch layout, PartitionGate gate, PartitionCuts cuts) {
        return new NotificationBatchListener(decoder, applier, deadLetters, redis, metrics, mover, handled, layout, gate,
                cuts);
    }

    @Bean
    PartitionCuts partitionCuts(LayoutWatch layout, RecordMover mover) {
        return new PartitionCuts(layout, mover, Clock.systemUTC());
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

    /** How long a consumer polls nothing before {@link IdlePositionCommit} looks at its position. */
    private static final Duration IDLE_EVENT_INTERVAL = Duration.ofSeconds(2);

    @Bean
    HandledOffsets handledOffsets() {
        return new HandledOffsets();
    }

    @Bean
    IdlePositionCommit idlePositionCommit(HandledOffsets handled) {
        return new IdlePositionCommit(handled);
    }

    @Bean
    ConcurrentMessageListenerContainer<?, ?> notificationsListenerContainer(
            ConcurrentKafkaListenerContainerFactory<?, ?> kafkaListenerContainerFactory, TopicProperties topics,
            DispatcherProperties dispatcher, NotificationBatchListener listener, DefaultErrorHandler errorHandler,
            PartitionGate gate) {
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
        // nothing but the listener's return commits a batch: spring-kafka's fixTxOffsets would also commit the
        // consumer's position on revocation and close, past a batch whose retries are still running
        // (IdlePositionCommit does the part of its job Herald needs)
        properties.setFixTxOffsets(false);
        properties.setIdleEventInterval(IDLE_EVENT_INTERVAL.toMillis());
        properties.setConsumerRebalanceListener(gate);
        container.setCommonErrorHandler(errorHandler);
        container.setupMessageListener(listener);
        gate.attach(container);
        return container;
    }

    /**
     * One primary (a URL, or Sentinel): batches apply behind the dataset guard, which notices a failover or a flush
     * and re-applies what the dataset lacks (docs/architecture.md, "When the Redis dataset changes underneath").
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(RedisTopology.SinglePrimary.class)
    static class SinglePrimary {

        @Bean
        DatasetGuard datasetGuard(TopicProperties topics) {
            return new DatasetGuard(topics.topic());
        }

        @Bean
        BatchApplier batchApplier(RedisConnections connections, DatasetGuard dataset, DispatcherProperties dispatcher) {
            return new BatchApplier(connections, new ApplyScript(false), dataset, dispatcher.redisTimeout());
        }

        /** Its Kafka clients are its own (assignment only, no group), created on first use. */
        @Bean
        DatasetRepair datasetRepair(DatasetGuard dataset, BatchApplier applier, CommandDecoder decoder,
                RedisConnections connections, KafkaProperties kafka, TopicProperties topics, DispatcherProperties dispatcher,
                DispatcherMetrics metrics, LayoutWatch layout) {
            return new DatasetRepair(dataset, applier, decoder, connections,
                    new KafkaAccess(kafka.buildAdminProperties(), topics.topic(), dispatcher.redisTimeout().multipliedBy(6)),
                    dispatcher.groupId(), dispatcher.redisTimeout().multipliedBy(6), metrics::datasetVerified, layout);
        }

        @Bean
        DatasetWatch datasetWatch(BatchApplier applier, DatasetGuard dataset, DatasetRepair repair,
                DispatcherProperties dispatcher) {
            return new DatasetWatch(applier, dataset, repair, dispatcher.datasetCheck());
        }

        @Bean
        GuardedApplier applier(BatchApplier applier, DatasetRepair repair, RedisAvailability redis) {
            return new GuardedApplier(applier, repair, redis);
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

    /**
     * A Redis Cluster: batches are confirmed with WAIT on every primary they wrote to before they are committed
     * (docs/architecture.md, "Redis Cluster: WAIT before commit"); the dataset guard is not used.
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(RedisTopology.Cluster.class)
    static class Cluster {

        @Bean
        ClusterBatchApplier applier(ClusterNodes nodes, DispatcherProperties dispatcher) {
            DispatcherProperties.Cluster cluster = dispatcher.cluster();
            return new ClusterBatchApplier(nodes, cluster.waitReplicas(), cluster.waitTimeout(), dispatcher.redisTimeout());
        }
    }
}
