/**
 * The edge's settings, bound from configuration: {@code EdgeProperties} ({@code herald.edge.*}) and
 * {@code ConnectionProperties} (the Kafka and envelope settings shared with the other services, under Spring
 * Boot's names; Redis's are herald-redis-boot's {@code RedisEndpointProperties}, shared with the dispatcher). Every feature reads them, so this package depends on no other edge package (only on core).
 */
package io.herald.edge.settings;
