/**
 * Read-only views for operators: a channel's state in Redis, the consumer group's lag, Kafka and Redis health.
 */
package io.herald.engine.inspect;
