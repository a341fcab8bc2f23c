package io.herald.dispatcher.topic;

import io.herald.core.kafka.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** Declares the notifications topic and its dead-letter topic so that the dispatcher works on a fresh broker. */
@Configuration(proxyBeanMethods = false)
class TopicConfiguration {

    @Bean
    NewTopic notificationsTopic(TopicProperties topics) {
        return TopicBuilder.name(topics.topic())
                .partitions(topics.partitions())
                .replicas(topics.replicationFactor())
                .build();
    }

    @Bean
    NewTopic deadLetterTopic(TopicProperties topics) {
        return TopicBuilder.name(Topics.deadLetters(topics.topic()))
                .partitions(topics.partitions())
                .replicas(topics.replicationFactor())
                .build();
    }
}
