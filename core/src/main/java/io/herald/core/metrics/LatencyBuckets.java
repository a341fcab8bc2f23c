package io.herald.core.metrics;

import java.time.Duration;

/**
 * The histogram buckets of every latency Herald measures along a notification's way (the dispatcher's apply, the
 * edge's delivery): the same edges everywhere, so that the stages' histograms compare bucket by bucket and the
 * difference says where the time went. From 1 ms, where a stage on a quiet node sits, to 10 s.
 */
public final class LatencyBuckets {

    private LatencyBuckets() {
    }

    /** A fresh array each call, for {@code Timer.Builder#serviceLevelObjectives}. */
    public static Duration[] slos() {
        return new Duration[] {Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
                Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
                Duration.ofSeconds(5), Duration.ofSeconds(10)};
    }
}
