package io.herald.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.lettuce.core.cluster.SlotHash;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShardSpreadTest {

    @Test
    void channelKLivesInTheKthShardsSlotRangeOfAnEvenSplit() {
        List<ChannelName> names = ShardSpread.names("broadcast:r1", 7, 3);

        // the ranges redis-cli --cluster create and testkit's RedisCluster assign: [0, 5460], [5461, 10922], [10923, 16383]
        int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
        for (int k = 0; k < names.size(); k++) {
            int slot = SlotHash.getSlot(RedisKeys.log(names.get(k)));
            assertThat(slot).as(names.get(k).value()).isBetween(ranges[k % 3][0], ranges[k % 3][1]);
            // the pub/sub channel, where SPUBLISH goes, is in the same slot
            assertThat(SlotHash.getSlot(RedisKeys.pubsub(names.get(k)))).isEqualTo(slot);
        }
        assertThat(names).extracting(ChannelName::value).startsWith("broadcast:r1-0").doesNotHaveDuplicates();
    }

    @Test
    void manyChannelsSplitExactlyEvenly() {
        List<ChannelName> names = ShardSpread.names("user:r2", 5000, 3);

        Map<Integer, Long> perShard = names.stream()
                .collect(Collectors.groupingBy(c -> ShardSpread.shardOf(c, 3), Collectors.counting()));
        assertThat(perShard).containsEntry(0, 1667L).containsEntry(1, 1667L).containsEntry(2, 1666L);
        assertThat(names.stream().collect(Collectors.toMap(ChannelName::value, Function.identity()))).hasSize(5000);
    }

    @Test
    void oneShardKeepsThePlainNames() {
        assertThat(ShardSpread.names("user:r3", 3, 1)).extracting(ChannelName::value)
                .containsExactly("user:r3-0", "user:r3-1", "user:r3-2");
    }
}
