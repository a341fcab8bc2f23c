/**
 * The edge's settings, bound from configuration: {@code EdgeProperties} ({@code herald.edge.*}) and
 * {@code ConnectionProperties} (the Redis, Kafka and envelope settings shared with the other services, under
 * Spring Boot's names). Every feature reads them, so this package depends on no other edge package (only on core).
 */
package io.herald.edge.settings;
