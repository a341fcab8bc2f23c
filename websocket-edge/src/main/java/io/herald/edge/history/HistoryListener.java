package io.herald.edge.history;

import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;

/** Receives a channel's history in order: notifications, and gaps that neither Redis nor Kafka can fill. */
public interface HistoryListener {

    void entry(LiveMessage entry);

    /**
     * Notifications up to and including {@code through} are gone for good (Kafka's retention passed them, or
     * the scan budget ran out); what follows continues after it.
     */
    void gap(Position through, String reason);
}
