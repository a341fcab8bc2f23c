package io.herald.dispatcher.admin;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.kafka.RecordDecoder;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.EnvelopeProperties;
import io.herald.dispatcher.apply.CommandDecoder;
import io.herald.dispatcher.dlt.DeadLetters;
import io.herald.dispatcher.engine.KafkaAccess;
import io.herald.dispatcher.engine.RedisAccess;
import io.herald.dispatcher.inspect.ChannelInspector;
import io.herald.dispatcher.redis.RedisUrlProperties;
import io.herald.dispatcher.replay.ReplayEngine;
import io.herald.dispatcher.restore.RestoreEngine;
import io.herald.dispatcher.topic.TopicProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Clock;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The restore, replay and dead-letter engine inside the dispatcher, the same classes {@code heraldctl} runs on
 * its own. Its Kafka and Redis clients are separate from the consumer group's and connect on first use.
 */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    @Bean(destroyMethod = "close")
    KafkaAccess kafkaAccess(KafkaProperties kafka, TopicProperties topics, AdminProperties admin) {
        return new KafkaAccess(kafka.buildAdminProperties(), topics.topic(), admin.timeout());
    }

    @Bean(destroyMethod = "close")
    RedisAccess redisAccess(RedisClient client, RedisUrlProperties redis, AdminProperties admin) {
        return new RedisAccess(client, RedisURI.create(redis.url()), admin.timeout());
    }

    @Bean
    RestoreEngine restoreEngine(KafkaAccess kafka, RedisAccess redis, CommandDecoder decoder) {
        return new RestoreEngine(kafka, redis, decoder);
    }

    @Bean
    ReplayEngine replayEngine(KafkaAccess kafka, RedisAccess redis, EnvelopeProperties envelope,
            DispatcherProperties dispatcher) {
        return new ReplayEngine(kafka, redis, new RecordDecoder(new EnvelopeCodec(envelope.limits())),
                dispatcher.shardedPubsub());
    }

    @Bean
    DeadLetters deadLetters(KafkaAccess kafka, RedisAccess redis, EnvelopeProperties envelope) {
        return new DeadLetters(kafka, redis, new RecordDecoder(new EnvelopeCodec(envelope.limits())), Clock.systemUTC());
    }

    @Bean
    ChannelInspector channelInspector(RedisAccess redis, DispatcherProperties dispatcher) {
        return new ChannelInspector(redis, dispatcher.shardedPubsub());
    }
}
