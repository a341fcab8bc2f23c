package io.herald.ops.status;

import io.herald.ops.cli.Http;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A service as its actuator shows it, on the service's management port.
 *
 * @param url         the management base URL asked
 * @param status      the overall health ({@code UP}, {@code DOWN}), or {@code UNREACHABLE}
 * @param components  each health component's status ({@code redis}, {@code kafka}, {@code pubsub}...)
 * @param connections an edge's open sessions ({@code herald.edge.sessions}), or null for the dispatcher or when unknown
 * @param error       why it could not be asked, or null
 * @param datasetChange the dispatcher's last finding that Redis lost or replaced its dataset, or null (none since
 *                    the dispatcher started; always null for an edge)
 */
public record ServiceHealth(String url, String status, Map<String, String> components, Long connections, String error,
        DatasetChange datasetChange) {

    public boolean up() {
        return "UP".equals(status);
    }

    static ServiceHealth of(Http http, String url, boolean edge) {
        try {
            Http.Reply health = http.get(url, "/actuator/health");
            Map<String, String> components = new LinkedHashMap<>();
            health.body().path("components").properties()
                    .forEach(c -> components.put(c.getKey(), c.getValue().path("status").asString("?")));
            Long connections = null;
            if (edge) {
                JsonNode sessions = http.get(url, "/actuator/metrics/herald.edge.sessions").body()
                        .path("measurements").path(0).path("value");
                connections = sessions.isNumber() ? sessions.longValue() : null;
            }
            String status = health.body().path("status").asString(health.ok() ? "UP" : "HTTP " + health.status());
            return new ServiceHealth(url, status, components, connections, null,
                    edge ? null : DatasetChange.fromHealth(health.body()));
        } catch (RuntimeException e) {
            return new ServiceHealth(url, "UNREACHABLE", Map.of(), null, e.getMessage(), null);
        }
    }
}
