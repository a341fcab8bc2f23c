package io.herald.edge.history;

import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;

/** Receives a channel's history in order: notifications, and gaps that neither Redis nor Kafka can fill. */
public interface HistoryListener {

    /** Takes the next notification; it may be held back until {@link #flush}, to leave with the others of its read. */
    void entry(LiveMessage entry);

    /**
     * Sends on what {@link #entry} took so far. Called before each further read (a page of the Redis log, a Kafka
     * scan) and after each notification found in Kafka, so that a replay leaves in one write per read rather than
     * one per notification and never waits for a slow read; what the last read found leaves with the frame that
     * ends the catch-up.
     */
    void flush();

    /**
     * Notifications up to and including {@code through} are gone for good (Kafka's retention passed them, or
     * the scan budget ran out); what follows continues after it.
     */
    void gap(Position through, String reason);
}
