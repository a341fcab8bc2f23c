package io.herald.bench.client;

import java.nio.charset.StandardCharsets;

/**
 * The measured message, the same for Herald and the peers: {@code {"s":<seq>,"t":<epoch micros>,"b":"xxx..."}}. It is
 * Herald's envelope {@code data}, peer A's whole pub/sub message and peer B's event argument. Receivers find the two
 * numbers by scanning bytes, not by parsing JSON, so reading costs the generator the same on every side.
 */
public final class Payload {

    private static final byte[] SEQ = "\"s\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIME = "\"t\":".getBytes(StandardCharsets.US_ASCII);

    private Payload() {
    }

    public static String json(long seq, long micros, String body) {
        return "{\"s\":" + seq + ",\"t\":" + micros + ",\"b\":\"" + body + "\"}";
    }

    /** A body of {@code bytes} characters, like the peers' publisher's {@code 'x'.repeat(64)}. */
    public static String body(int bytes) {
        return "x".repeat(bytes);
    }

    /** The seq of the payload in {@code frame[from, to)}, or -1 when it has none. */
    public static long seq(byte[] frame, int from, int to) {
        int at = indexOf(frame, from, to, SEQ);
        return at < 0 ? -1 : number(frame, at + SEQ.length, to);
    }

    /** The timestamp following the seq (searched from {@code from}), or -1. */
    public static long time(byte[] frame, int from, int to) {
        int at = indexOf(frame, from, to, TIME);
        return at < 0 ? -1 : number(frame, at + TIME.length, to);
    }

    public static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The non-negative decimal number starting at {@code at}, or -1 when there is no digit there. */
    public static long number(byte[] frame, int at, int to) {
        long value = 0;
        int i = at;
        while (i < to && frame[i] >= '0' && frame[i] <= '9') {
            value = value * 10 + (frame[i] - '0');
            i++;
        }
        return i == at ? -1 : value;
    }
}
