package io.herald.core.redis;

import io.herald.core.position.InvalidPositionException;
import io.herald.core.position.Position;

/**
 * The pub/sub payload the apply script publishes: {@code {"id":"<pos>","prev":"<pos>","n":<envelope>}}.
 * The script builds it by concatenation and edges slice it without a JSON parse: positions contain only
 * digits and a dash, and the envelope is kept verbatim so that it can be framed once for every session.
 */
public record LiveMessage(Position id, Position prev, String envelopeJson) {

    private static final String ID = "{\"id\":\"";
    private static final String PREV = "\",\"prev\":\"";
    private static final String ENVELOPE = "\",\"n\":";

    public static LiveMessage parse(String payload) {
        if (!payload.startsWith(ID) || !payload.endsWith("}")) {
            throw new IllegalArgumentException("not a Herald live payload");
        }
        int idEnd = payload.indexOf('"', ID.length());
        if (idEnd < 0 || !payload.startsWith(PREV, idEnd)) {
            throw new IllegalArgumentException("not a Herald live payload: no prev after id");
        }
        int prevStart = idEnd + PREV.length();
        int prevEnd = payload.indexOf('"', prevStart);
        if (prevEnd < 0 || !payload.startsWith(ENVELOPE, prevEnd)) {
            throw new IllegalArgumentException("not a Herald live payload: no envelope after prev");
        }
        try {
            return new LiveMessage(Position.parse(payload.substring(ID.length(), idEnd)),
                    Position.parse(payload.substring(prevStart, prevEnd)),
                    payload.substring(prevEnd + ENVELOPE.length(), payload.length() - 1));
        } catch (InvalidPositionException e) {
            throw new IllegalArgumentException("not a Herald live payload: " + e.getMessage(), e);
        }
    }

    /** The same form the apply script publishes; used by tests and by SRE replays. */
    public String format() {
        return ID + id + PREV + prev + ENVELOPE + envelopeJson + "}";
    }
}
