package io.herald.dispatcher.admin;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.kafka.RecordDecoder;
import io.herald.dispatcher.EnvelopeProperties;
import io.herald.engine.apply.CommandDecoder;
import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.engine.inspect.ChannelInspector;
import io.herald.engine.replay.ReplayEngine;
import io.herald.engine.restore.RestoreEngine;
import io.herald.dispatcher.topic.TopicProperties;
import io.herald.redis.boot.RedisEndpointProperties;
import io.lettuce.core.RedisClient;
import java.time.Clock;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The restore, replay and dead-letter engine inside the dispatcher, the same classes {@code heraldctl} runs on
 * its own. Its Kafka and Redis clients are separate from the consumer group's and connect on first use. They need
 * one primary: on a Redis Cluster every operation fails with a message naming the setting ({@link RedisAccess}).
 */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    @Bean(destroyMethod = "close")
    KafkaAccess kafkaAccess(KafkaProperties kafka, TopicProperties topics, AdminProperties admin) {
        return new KafkaAccess(kafka.buildAdminProperties(), topics.topic(), admin.timeout());
    }

    @Bean(destroyMethod = "close")
    RedisAccess redisAccess(RedisClient client, RedisEndpointProperties redis, AdminProperties admin) {
        return RedisAccess.of(client, redis.endpoint(), admin.timeout());
    }

    @Bean
    RestoreEngine restoreEngine(KafkaAccess kafka, RedisAccess redis, CommandDecoder decoder) {
        return new RestoreEngine(kafka, redis, decoder);
    }

    @Bean
    ReplayEngine replayEngine(KafkaAccess kafka, RedisAccess redis, EnvelopeProperties envelope,
            RedisEndpointProperties endpoint) {
        return new ReplayEngine(kafka, redis, new RecordDecoder(new EnvelopeCodec(envelope.limits())),
                endpoint.endpoint().isCluster());
    }

    @Bean
    DeadLetters deadLetters(KafkaAccess kafka, RedisAccess redis, EnvelopeProperties envelope) {
        return new DeadLetters(kafka, redis, new RecordDecoder(new EnvelopeCodec(envelope.limits())), Clock.systemUTC());
    }

    @Bean
    ChannelInspector channelInspector(RedisAccess redis, RedisEndpointProperties endpoint) {
        return new ChannelInspector(redis, endpoint.endpoint().isCluster());
    }
}
