package io.herald.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.channel.ChannelName;
import io.herald.redis.Retention;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private final RetentionPolicy policy = new RetentionPolicy(new RetentionSettings(
            new RetentionDefaults(1000, Duration.ofHours(24), Duration.ofDays(7)),
            Map.of("broadcast", new RetentionOverride(10_000, Duration.ofDays(7), Duration.ofDays(30)),
                    "topic", new RetentionOverride(50, null, null),
                    "user", new RetentionOverride(null, Duration.ofMinutes(30), null))));

    @Test
    void namespaceWithoutOverrideGetsTheDefault() {
        assertThat(policy.of(ChannelName.parse("tenant:acme"))).isEqualTo(new Retention(1000, Duration.ofHours(24), Duration.ofDays(7)));
    }

    @Test
    void overrideReplacesBothFields() {
        assertThat(policy.of(ChannelName.parse("broadcast:all"))).isEqualTo(new Retention(10_000, Duration.ofDays(7), Duration.ofDays(30)));
    }

    @Test
    void fieldLeftOutOfAnOverrideTakesTheDefault() {
        assertThat(policy.of(ChannelName.parse("topic:orders"))).isEqualTo(new Retention(50, Duration.ofHours(24), Duration.ofDays(7)));
        assertThat(policy.of(ChannelName.parse("user:42"))).isEqualTo(new Retention(1000, Duration.ofMinutes(30), Duration.ofDays(7)));
    }

    @Test
    void invalidOverrideFailsAtStartupNotPerBatch() {
        assertThatThrownBy(() -> new RetentionPolicy(new RetentionSettings(
                new RetentionDefaults(1000, Duration.ofHours(1), Duration.ofDays(7)),
                Map.of("user", new RetentionOverride(0, null, null)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLen");
    }
}
