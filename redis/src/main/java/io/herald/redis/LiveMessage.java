package io.herald.redis;

import io.herald.core.position.InvalidPositionException;
import io.herald.core.position.Position;

/**
 * The pub/sub payload the apply script publishes: {@code {"id":"<pos>","prev":"<pos>","n":<envelope>}}.
 * The script builds it by concatenation and edges slice it without a JSON parse: positions contain only
 * digits and a dash, and the envelope is kept verbatim so that it can be framed once for every session.
 *
 * <p>An SRE replay ({@code heraldctl replay}) publishes the same form with a {@code "replay":true} prefix:
 * {@code {"replay":true,"id":...,"prev":...,"n":...}}. Edges hand a replay to every live subscriber of the
 * channel as a flagged frame, outside the channel's ordering and gap checks; clients drop the IDs they have.
 *
 * @param replay true for a notification sent again by an operator, not a newly applied one
 */
public record LiveMessage(Position id, Position prev, String envelopeJson, boolean replay) {

    private static final String ID = "{\"id\":\"";
    private static final String REPLAY_ID = "{\"replay\":true,\"id\":\"";
    private static final String PREV = "\",\"prev\":\"";
    private static final String ENVELOPE = "\",\"n\":";

    /** A newly applied notification (not a replay). */
    public LiveMessage(Position id, Position prev, String envelopeJson) {
        this(id, prev, envelopeJson, false);
    }

    public static LiveMessage parse(String payload) {
        boolean replay = payload.startsWith(REPLAY_ID);
        String head = replay ? REPLAY_ID : ID;
        if (!payload.startsWith(head) || !payload.endsWith("}")) {
            throw new IllegalArgumentException("not a Herald live payload");
        }
        int idStart = head.length();
        int idEnd = payload.indexOf('"', idStart);
        if (idEnd < 0 || !payload.startsWith(PREV, idEnd)) {
            throw new IllegalArgumentException("not a Herald live payload: no prev after id");
        }
        int prevStart = idEnd + PREV.length();
        int prevEnd = payload.indexOf('"', prevStart);
        if (prevEnd < 0 || !payload.startsWith(ENVELOPE, prevEnd)) {
            throw new IllegalArgumentException("not a Herald live payload: no envelope after prev");
        }
        try {
            return new LiveMessage(Position.parse(payload.substring(idStart, idEnd)),
                    Position.parse(payload.substring(prevStart, prevEnd)),
                    payload.substring(prevEnd + ENVELOPE.length(), payload.length() - 1), replay);
        } catch (InvalidPositionException e) {
            throw new IllegalArgumentException("not a Herald live payload: " + e.getMessage(), e);
        }
    }

    /**
     * Whether this notification is the next one of its channel for a reader at {@code cursor}, with nothing of the
     * channel in between: {@code prev <= cursor < id}. The cursor need not be a notification of the channel (a
     * subscribe's baseline may be a partition's end offset): {@code prev} is the channel's record right before this
     * one, so a cursor at or after it, and before this one, has nothing of the channel between it and this one.
     *
     * <p>A {@code prev} of {@code 0-0} continues only {@code 0-0}: the apply script writes it whenever Redis holds
     * nothing of the channel, which after a Redis loss says nothing of the records applied (and lost) before, so a
     * reader at any real position must check Kafka for them.
     */
    public boolean continues(Position cursor) {
        if (prev.isNone()) {
            return cursor.isNone();
        }
        return !prev.isAfter(cursor) && id.isAfter(cursor);
    }

    /**
     * Whether this notification, arriving live, is the next one of its channel for a live subscription at
     * {@code lastSent}: as {@link #continues}, except that a {@code prev} of {@code 0-0} continues any earlier
     * position. That exception is safe for a live subscription only, never for a history read: since the subscription
     * was confirmed, every notification the channel published reached it through pub/sub or a catch-up (a lost
     * connection, a moved slot or a dropped message starts one, see {@code PubSubHub}, {@code TailCheck}), so one
     * between {@code lastSent} and this one would have been delivered, and {@code 0-0} then only says that Redis
     * forgot the channel in between (its meta expired), which this subscription does not depend on. After Redis lost
     * its data the apply script writes a base below which Kafka must be read, not {@code 0-0}.
     */
    public boolean continuesLive(Position lastSent) {
        return prev.isNone() ? id.isAfter(lastSent) : continues(lastSent);
    }

    /** The same notification flagged as a replay. */
    public LiveMessage asReplay() {
        return new LiveMessage(id, prev, envelopeJson, true);
    }

    /** The same form the apply script publishes (with the replay prefix when flagged); used by tests and by SRE replays. */
    public String format() {
        return (replay ? REPLAY_ID : ID) + id + PREV + prev + ENVELOPE + envelopeJson + "}";
    }
}
