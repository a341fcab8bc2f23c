/**
 * The node's health for Actuator: Redis and Kafka reachable, and the pub/sub canary ({@code PubSubProbe}) that
 * proves live messages still arrive through every connection. Depends on {@code delivery} (the hub it probes),
 * {@code redis} and {@code settings}; nothing depends on it.
 */
package io.herald.edge.health;
