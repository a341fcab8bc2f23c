package io.herald.bench.scenario;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.lettuce.core.cluster.SlotHash;
import java.util.ArrayList;
import java.util.List;

/**
 * Channel names spread evenly over the shards of a Redis Cluster whose slots are split in equal ranges (as
 * {@code redis-cli --cluster create} and the testkit's {@code RedisCluster} split them): channel {@code k} lives on
 * shard {@code k % shards}. Left to the hash, a handful of broadcast channels would often share a shard and leave
 * another idle; with many channels the counts still differ by a few percent. On one Redis node the names are just
 * names.
 */
final class ShardSpread {

    private ShardSpread() {
    }

    /**
     * {@code count} channels named {@code <prefix>-<k>}, or {@code <prefix>-<k>.<n>} with the smallest {@code n} that
     * puts channel {@code k} on shard {@code k % shards} (a third of the names need no suffix, for three shards).
     */
    static List<ChannelName> names(String prefix, int count, int shards) {
        List<ChannelName> names = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int shard = k % shards;
            ChannelName name = ChannelName.parse(prefix + "-" + k);
            for (int n = 1; shardOf(name, shards) != shard; n++) {
                name = ChannelName.parse(prefix + "-" + k + "." + n);
            }
            names.add(name);
        }
        return names;
    }

    /** The shard whose slot range holds the channel's keys (its log, meta and pub/sub channel share one slot). */
    static int shardOf(ChannelName channel, int shards) {
        int slot = SlotHash.getSlot(RedisKeys.log(channel));
        int shard = shards - 1;
        while (slot < shard * SlotHash.SLOT_COUNT / shards) { // shard s serves [s * 16384 / shards, (s + 1) * ...)
            shard--;
        }
        return shard;
    }
}
