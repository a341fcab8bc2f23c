package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

/** The names are what running deployments hold in Redis: changing one strands the data under the old name. */
class RedisKeysTest {

    private final ChannelName channel = ChannelName.parse("user:42");

    @Test
    void aChannelsKeysShareOneClusterSlot() {
        assertThat(RedisKeys.log(channel)).isEqualTo("herald:{user:42}:log");
        assertThat(RedisKeys.meta(channel)).isEqualTo("herald:{user:42}:meta");
        assertThat(RedisKeys.pubsub(channel)).isEqualTo("herald:{user:42}");
        assertThat(SlotHash.getSlot(RedisKeys.meta(channel))).isEqualTo(SlotHash.getSlot(RedisKeys.log(channel)))
                .isEqualTo(SlotHash.getSlot(RedisKeys.pubsub(channel)));
        assertThat(RedisKeys.channelOfPubsub(RedisKeys.pubsub(channel))).isEqualTo(channel);
        assertThat(RedisKeys.channelOfPubsub(RedisKeys.canary("edge-1"))).isNull();
    }

    @Test
    void theServicesOwnKeysKeepTheirNames() {
        assertThat(RedisKeys.redrivenDeadLetters("herald.notifications.dlt")).isEqualTo("herald:dlt:herald.notifications.dlt:redriven");
        assertThat(RedisKeys.idempotency("shop", channel, "order-7")).isEqualTo("herald:ingest:idem:shop|user:42|order-7");
        assertThat(RedisKeys.canary("edge-1")).isEqualTo("herald:canary:edge-1");
    }
}
