package io.herald.ops.status;

import io.herald.engine.inspect.DispatcherStatus;
import java.util.List;

/**
 * Everything {@code heraldctl status} found.
 *
 * @param pipeline   Kafka, Redis, the dispatcher group's lag and the dead letters
 * @param dispatcher the dispatcher's health, or null when no {@code --dispatcher-management-url} was given
 * @param edges      each {@code --edge-url}'s health and connections
 * @param healthy    Kafka and Redis up, the group consuming, every service asked up
 * @param problems   what is not healthy, one line each
 */
public record StatusReport(DispatcherStatus pipeline, ServiceHealth dispatcher, List<ServiceHealth> edges,
        boolean healthy, List<String> problems) {
}
