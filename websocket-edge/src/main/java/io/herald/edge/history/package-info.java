/**
 * A channel's past, read in order for catch-ups: the Redis log ({@code RedisLog}), and Kafka beyond it
 * ({@code KafkaLog}, {@code KafkaReaders}), joined by {@code ChannelHistory}, which reports entries and unfillable
 * gaps to a {@code HistoryListener}. Depends on {@code redis}, {@code settings} and core; knows nothing of
 * subscriptions or clients.
 */
package io.herald.edge.history;
