/**
 * The node's Redis connections: the Lettuce client built for the configured topology (one server, Sentinel or a
 * Cluster), the shared command connection {@code CommandConnection} that logs and health checks read through, and the
 * pub/sub transports ({@code SinglePubSub}, {@code ClusterPubSub}) that receive live messages. Depends on
 * herald-redis, herald-redis-boot (where {@code spring.data.redis.*} is bound) and core only; what is done with the
 * messages is {@code delivery}'s business.
 */
package io.herald.edge.redis;
