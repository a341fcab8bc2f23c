package io.herald.bench.measure;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What all clients received: a latency histogram (microseconds, up to 10 minutes, 3 significant digits) and exact
 * counts. Loss and duplicates are exact because each client marks every seq it got in its own bitmap
 * ({@link Receipts}); this class only sums.
 */
public final class Deliveries {

    private final Recorder latencies = new Recorder(TimeUnit.MINUTES.toMicros(10), 3);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder misrouted = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private volatile long firstMicros;
    private volatile long lastMicros;
    private volatile long lastReplayMicros;

    /** A new delivery; {@code replay} ones (sent while the client was away) do not count in the latency. */
    public void delivered(long sentMicros, long nowMicros, boolean replay) {
        delivered.increment();
        if (firstMicros == 0) {
            firstMicros = nowMicros;
        }
        lastMicros = nowMicros;
        if (replay) {
            replayed.increment();
            lastReplayMicros = nowMicros;
        } else {
            latencies.recordValue(Math.min(Math.max(0, nowMicros - sentMicros), TimeUnit.MINUTES.toMicros(10)));
        }
    }

    public void duplicate() {
        duplicates.increment();
    }

    /** A message for another client's channel: a leak between users. */
    public void wrongChannel() {
        misrouted.increment();
    }

    public long delivered() {
        return delivered.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long misrouted() {
        return misrouted.sum();
    }

    public long replayed() {
        return replayed.sum();
    }

    public long firstMicros() {
        return firstMicros;
    }

    public long lastMicros() {
        return lastMicros;
    }

    public long lastReplayMicros() {
        return lastReplayMicros;
    }

    /** The latencies recorded since the previous call (the first call: since the start). */
    public Histogram takeLatencies() {
        return latencies.getIntervalHistogram();
    }
}
