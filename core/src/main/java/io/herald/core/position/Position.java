package io.herald.core.position;

/**
 * A notification's position in its channel: {@code <kafkaOffset>-1}, a valid Redis Stream ID derived from
 * the Kafka record (the {@code -1} because Redis rejects {@code 0-0}). The same record always gets the same
 * position, which is what makes re-application detectable and restores reproduce the IDs clients hold.
 *
 * <p>{@link #NONE} ({@code 0-0}) means "before the first notification": it is the {@code prev} of a
 * channel's first entry and the {@code since} of a client that wants everything retained.
 *
 * <p>Offsets run up to {@link #MAX_OFFSET}: one below the largest {@code long}, so that {@link #nextOffset()} (where a
 * Kafka read after the position starts) cannot overflow. Kafka offsets never get there; a larger one is refused.
 */
public record Position(long offset) implements Comparable<Position> {

    public static final Position NONE = new Position(-1);
    /** The largest offset a position may have ({@code Long.MAX_VALUE - 1}). */
    public static final long MAX_OFFSET = Long.MAX_VALUE - 1;

    public Position {
        if (offset < -1 || offset > MAX_OFFSET) {
            throw new IllegalArgumentException("offset must be >= 0 (or -1 for NONE) and <= " + MAX_OFFSET + ", was "
                    + offset);
        }
    }

    public static Position ofOffset(long offset) {
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new IllegalArgumentException("Kafka offset must be >= 0 and <= " + MAX_OFFSET + ", was " + offset);
        }
        return new Position(offset);
    }

    /** Parses {@code <offset>-1} or {@code 0-0}; the message of the exception says what was expected. */
    public static Position parse(String text) {
        if (text == null) {
            throw new InvalidPositionException("position is required");
        }
        if (text.equals("0-0")) {
            return NONE;
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash > 19 || !text.substring(dash).equals("-1")) {
            throw new InvalidPositionException(describe(text));
        }
        for (int i = 0; i < dash; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidPositionException(describe(text));
            }
        }
        if (dash > 1 && text.charAt(0) == '0') {
            throw new InvalidPositionException(describe(text));
        }
        long offset;
        try {
            offset = Long.parseLong(text, 0, dash, 10);
        } catch (NumberFormatException e) {
            throw new InvalidPositionException(describe(text));
        }
        if (offset > MAX_OFFSET) {
            throw new InvalidPositionException("position '" + text + "' is beyond Kafka's offsets (at most "
                    + MAX_OFFSET + "-1)");
        }
        return new Position(offset);
    }

    private static String describe(String text) {
        String shown = text.length() <= 40 ? text : text.substring(0, 40) + "...";
        return "position '" + shown + "' must look like <kafkaOffset>-1 (e.g. 42-1) or 0-0, the offset at most "
                + MAX_OFFSET;
    }

    public boolean isNone() {
        return offset < 0;
    }

    /** The Kafka offset of the record right after this position (where a Kafka scan for a gap starts). */
    public long nextOffset() {
        return offset + 1;
    }

    public boolean isAfter(Position other) {
        return offset > other.offset;
    }

    @Override
    public int compareTo(Position other) {
        return Long.compare(offset, other.offset);
    }

    @Override
    public String toString() {
        return isNone() ? "0-0" : offset + "-1";
    }
}
