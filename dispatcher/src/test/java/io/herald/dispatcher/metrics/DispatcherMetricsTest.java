package io.herald.dispatcher.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.dispatcher.redis.RedisAvailability;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DispatcherMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DispatcherMetrics metrics = new DispatcherMetrics(registry, new RedisAvailability());

    private Timer latency() {
        return registry.get(DispatcherMetrics.APPLY_LATENCY).timer();
    }

    @Test
    void applyLatencyIsFromTheRecordTimestampToTheAcknowledgementInSloBuckets() {
        metrics.applied(1_000, 1_004);
        metrics.applied(1_000, 1_030);

        assertThat(latency().count()).isEqualTo(2);
        assertThat(latency().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(34);
        assertThat(Arrays.stream(latency().takeSnapshot().histogramCounts())
                .filter(bucket -> bucket.bucket(TimeUnit.MILLISECONDS) == 5 || bucket.bucket(TimeUnit.MILLISECONDS) == 50)
                .map(CountAtBucket::count)).containsExactly(1.0, 2.0);
    }

    @Test
    void aRecordWithoutTimestampIsNotTimedAndAProducerClockAheadCountsAsZero() {
        metrics.applied(-1, 1_000);
        metrics.applied(2_000, 1_000);

        assertThat(latency().count()).isEqualTo(1);
        assertThat(latency().totalTime(TimeUnit.MILLISECONDS)).isZero();
    }
}
