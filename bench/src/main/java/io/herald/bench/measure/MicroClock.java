package io.herald.bench.measure;

import java.time.Instant;

/**
 * Epoch microseconds from the monotonic clock: the publisher stamps each message with it and the receivers of the
 * same JVM subtract, so a latency never jumps with NTP and has microsecond resolution (the peers' generator uses
 * {@code performance.timeOrigin + performance.now()} the same way).
 */
public final class MicroClock {

    private static final long BASE_NANOS = System.nanoTime();
    private static final long BASE_MICROS;

    static {
        Instant now = Instant.now();
        BASE_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private MicroClock() {
    }

    public static long nowMicros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1_000;
    }
}
