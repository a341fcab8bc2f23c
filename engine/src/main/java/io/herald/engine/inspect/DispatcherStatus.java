package io.herald.engine.inspect;

import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.EngineException;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import java.util.Map;

/**
 * The pipeline's state as an operator first looks at it: the dispatcher group's lag, Redis and Kafka, and
 * the dead letters waiting.
 *
 * @param lag         the group's lag, or null when Kafka could not be asked (see {@code kafka})
 * @param deadLetters records in the dead-letter topic per partition, or null when it could not be read (no such topic)
 */
public record DispatcherStatus(GroupLag lag, ComponentHealth redis, ComponentHealth kafka,
        Map<Integer, Long> deadLetters, long deadLettersTotal) {

    public static DispatcherStatus read(KafkaAccess kafka, RedisAccess redis, DeadLetters letters, String group) {
        ComponentHealth kafkaHealth = ComponentHealth.kafka(kafka);
        GroupLag lag = null;
        Map<Integer, Long> dead = null;
        if (kafkaHealth.up()) {
            try {
                lag = GroupLag.read(kafka, group);
            } catch (EngineException e) {
                kafkaHealth = new ComponentHealth("kafka", false, e.getMessage());
            }
            try {
                dead = letters.counts();
            } catch (EngineException e) {
                // no dead-letter topic yet (a dispatcher never ran on this broker): nothing to count
                dead = null;
            }
        }
        return new DispatcherStatus(lag, ComponentHealth.redis(redis), kafkaHealth, dead,
                dead == null ? 0 : dead.values().stream().mapToLong(Long::longValue).sum());
    }

    public boolean healthy() {
        return redis.up() && kafka.up();
    }
}
