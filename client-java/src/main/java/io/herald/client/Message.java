package io.herald.client;

import tools.jackson.databind.JsonNode;

/**
 * One notification handed to the application.
 *
 * @param channel  the channel it belongs to
 * @param position its position in the channel ({@code "<offset>-1"}); the client stores it once the listener returned
 * @param envelope the notification exactly as the producer published it ({@code id}, {@code channel}, {@code type},
 *                 {@code data}, {@code createdAt}, {@code expiresAt})
 * @param replay   true when it came from history (a resume or a subscribe with a position) or an operator's
 *                 replay rather than live
 */
public record Message(String channel, String position, JsonNode envelope, boolean replay) {

    /** The producer's idempotency key (not the position). */
    public String id() {
        return envelope.path("id").asString();
    }

    /** The notification's type, e.g. {@code order.shipped}. */
    public String type() {
        return envelope.path("type").asString();
    }

    /** The notification's {@code data} object. */
    public JsonNode data() {
        return envelope.path("data");
    }
}
