package io.herald.ops.status;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The last time the dispatcher found Redis answering with another dataset, as its {@code redis} health component
 * shows it ({@code datasetLastChange}): {@code emptied} (Redis lost its data) or {@code replaced} (a failover, a
 * restart with older data, a restored backup). heraldctl reads it there rather than guessing from Redis itself:
 * the dispatcher is the one that verifies the dataset before every batch.
 *
 * @param kind                  {@code emptied} or {@code replaced}
 * @param at                    when the dispatcher found it
 * @param recordsMissingApplied records the dataset lacked that the dispatcher wrote back from Kafka
 */
public record DatasetChange(String kind, Instant at, long recordsMissingApplied) {

    /** The runbook section for both kinds. */
    public static final String RUNBOOK = "docs/operations.md#redis-lost-data";

    /** The change in a dispatcher's health document, or null when it shows none (or an older dispatcher). */
    static DatasetChange fromHealth(JsonNode health) {
        JsonNode change = health.path("components").path("redis").path("details").path("datasetLastChange");
        if (!change.isObject()) {
            return null;
        }
        try {
            return new DatasetChange(change.path("kind").asString("?").toLowerCase(Locale.ROOT),
                    Instant.parse(change.path("at").asString("")), change.path("recordsMissingApplied").asLong(0));
        } catch (DateTimeParseException e) {
            return null; // a health document heraldctl cannot read must not fail the whole status
        }
    }

    /** What it means for an operator, one line. */
    String describe() {
        return switch (kind) {
            case "emptied" -> "redis lost its data at " + at + " (the hot history is gone; clients now resume from Kafka)";
            case "replaced" -> "redis answered with another dataset at " + at + " (failover or restart); the dispatcher"
                    + " wrote back " + recordsMissingApplied + " record(s) it lacked";
            default -> "redis dataset changed (" + kind + ") at " + at;
        };
    }
}
