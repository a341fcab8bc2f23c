package io.herald.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One end of a window of the notifications topic, as an operator types it: a point in time (the records'
 * Kafka timestamps) or a Kafka offset (the same number on every partition read, so mostly useful for one
 * channel, whose records all live on one partition; or, once a growth of the topic moved it, on one partition per
 * growth, where it is taken as a position of the channel: {@link PartitionScan#resolveHistory}).
 */
public sealed interface Bound permits Bound.At, Bound.Offset {

    /** Records whose Kafka timestamp is at or after {@code time}. */
    record At(Instant time) implements Bound {
        @Override
        public String toString() {
            return time.toString();
        }
    }

    /** Records at or after this offset of each partition read. */
    record Offset(long offset) implements Bound {
        public Offset {
            if (offset < 0) {
                throw new InvalidBoundException("offset must be >= 0, was " + offset);
            }
        }

        @Override
        public String toString() {
            return "offset " + offset;
        }
    }

    Pattern AGO = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    /**
     * Accepts an ISO-8601 time with a zone ({@code 2025-11-28T10:00:00Z}, {@code 2025-11-28T11:00+01:00}), a
     * duration before now ({@code 90m}, {@code 2h}, {@code 7d}, {@code PT2H}) or a Kafka offset ({@code 12345}).
     *
     * @throws InvalidBoundException with a message that says what is accepted
     */
    static Bound parse(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            throw new InvalidBoundException("a time or an offset is required");
        }
        String value = text.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return new Offset(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw new InvalidBoundException("offset '" + value + "' is too large");
            }
        }
        Matcher ago = AGO.matcher(value.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long amount = Long.parseLong(ago.group(1));
            Duration duration = switch (ago.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return new At(clock.instant().minus(duration));
        }
        try {
            if (value.startsWith("P") || value.startsWith("p")) {
                return new At(clock.instant().minus(Duration.parse(value)));
            }
            return new At(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            String shown = value.length() <= 40 ? value : value.substring(0, 40) + "...";
            throw new InvalidBoundException("'" + shown + "' is neither a time nor an offset: use an ISO-8601 time with a zone"
                    + " (2025-11-28T10:00:00Z), a duration before now (90m, 2h, 7d, PT2H) or a Kafka offset (12345)");
        }
    }
}
