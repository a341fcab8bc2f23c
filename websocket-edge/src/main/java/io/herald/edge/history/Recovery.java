package io.herald.edge.history;

import io.herald.core.position.Position;

/**
 * How a catch-up ended.
 *
 * @param source   where the missed notifications came from
 * @param replayed notifications handed to the listener
 * @param gaps     stretches that could not be filled (each reported to the listener as a gap)
 * @param last     the position the history was read up to
 */
public record Recovery(Source source, long replayed, int gaps, Position last) {

    public enum Source {
        /** Everything came from the Redis log, its {@code prev} chain proving no gap. */
        HOT,
        /** Part or all of it was read from Kafka because the Redis log could not prove continuity. */
        KAFKA
    }

    public boolean complete() {
        return gaps == 0;
    }
}
