package io.herald.client.position;

import java.util.Comparator;
import java.util.regex.Pattern;

/** Herald positions, {@code <offset>-<sequence>} (docs/protocol.md section 1): validation and order. */
public final class Positions {

    private static final Pattern POSITION = Pattern.compile("\\d{1,19}-\\d{1,19}");

    /** Orders positions by offset, then sequence; positions of one channel are not consecutive, only increasing. */
    public static final Comparator<String> ORDER = Comparator
            .comparingLong((String position) -> part(position, 0))
            .thenComparingLong(position -> part(position, 1));

    private Positions() {
    }

    /** Whether {@code value} is a position this client can compare (offsets fit a long: at most 2^63 - 2). */
    public static boolean isPosition(String value) {
        if (value == null || !POSITION.matcher(value).matches()) {
            return false;
        }
        try {
            part(value, 0);
            part(value, 1);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether {@code position} comes after {@code last} ({@code last} null: always). */
    public static boolean isAfter(String position, String last) {
        return last == null || ORDER.compare(position, last) > 0;
    }

    private static long part(String position, int index) {
        return Long.parseLong(position.split("-", 2)[index]);
    }
}
