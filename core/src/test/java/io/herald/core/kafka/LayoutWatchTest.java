package io.herald.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;

/**
 * What a dispatcher learns from its own cuts. No Kafka is needed for that: the watch's reads fail quietly (nothing
 * listens on the address) and never replace what it learned.
 */
class LayoutWatchTest {

    private static final TopicLayout GROWING = TopicLayout.of("t", 3).grow(6, 0);

    /**
     * A partition moved from one dispatcher to another right as the growth's grace period ended, and the second cut it
     * again before it read the first one's cut: the first cut stands in the second's view too, as for every reader of
     * the layout topic.
     */
    @Test
    void aCutTheViewKnowsStandsOverOneThisProcessWroteLater() {
        try (LayoutWatch watch = new LayoutWatch(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
                "t", Duration.ofHours(1), Duration.ofMillis(100))) {
            watch.learned(GROWING.cut(2, 71)); // as a read of the first dispatcher's cut would have brought it

            TopicLayout view = watch.learned(GROWING.cut(0, 67).cut(1, 67).cut(2, 77));

            assertThat(view.newest().cuts()).isEqualTo(Map.of(0, 67L, 1, 67L, 2, 71L));
            assertThat(watch.current()).isEqualTo(view);
        }
    }
}
