/**
 * What the dispatcher and {@code heraldctl} share, without Spring: bounded access to Kafka ({@link
 * io.herald.engine.KafkaAccess}: admin, consumers by assignment, the redrive producer, the channel partitioner) and to
 * Redis, one primary or a Redis Cluster ({@link io.herald.engine.RedisAccess}), reading a window of a partition ({@link
 * io.herald.engine.PartitionScan}, {@link io.herald.engine.Bound}, {@link io.herald.engine.OffsetRange}), which
 * partition a channel lives on ({@link io.herald.engine.ChannelPartitions}), rate limits and progress. The feature
 * packages below build on these; this package depends on none of them.
 */
package io.herald.engine;
