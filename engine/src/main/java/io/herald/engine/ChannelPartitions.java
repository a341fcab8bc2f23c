package io.herald.engine;

import io.herald.core.kafka.TopicLayout;
import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The partition a channel belongs to, by the apply script's rule: the partition its meta names (the dispatcher
 * wrote it with the channel's last applied record, and dead-letters the channel's records on a partition that is
 * neither it nor one the topic's growth moved the channel to or from as {@code partition-mismatch}). Without a meta
 * (Redis lost it, or the channel is new) it is the channel's partition in the topic's layout
 * ({@link TopicLayout#home}), where a producer keyed by channel puts every record; a record on another partition is
 * the original of one the dispatcher moved there (the dispatcher's {@code RecordMover}), never applied itself.
 * Answers are remembered for the life of this object, so that one run decides every record of a channel the same
 * way, dry or not.
 */
public final class ChannelPartitions {

    private final RedisAccess redis;
    private final TopicLayout layout;
    private final Map<ChannelName, Owner> known = new HashMap<>();

    /** @param layout the topic's layout, read once for the operation */
    public ChannelPartitions(RedisAccess redis, TopicLayout layout) {
        this.redis = redis;
        this.layout = layout;
    }

    /**
     * @param partition the partition the channel belongs to
     * @param fromMeta  whether its meta in Redis named it (else it is the channel's partition in the layout)
     */
    public record Owner(int partition, boolean fromMeta) {

        @Override
        public String toString() {
            return (fromMeta ? "meta partition " : "key partition ") + partition;
        }
    }

    public Owner of(ChannelName channel) {
        return of(List.of(channel)).get(channel);
    }

    /** The owners of these channels; the metas not known yet are read in one pipelined round. */
    public Map<ChannelName, Owner> of(Collection<ChannelName> channels) {
        RedisClusterAsyncCommands<String, String> async = null;
        Map<ChannelName, RedisFuture<String>> reads = new LinkedHashMap<>();
        for (ChannelName channel : channels) {
            if (!known.containsKey(channel) && !reads.containsKey(channel)) {
                if (async == null) {
                    async = redis.commands();
                }
                reads.put(channel, async.hget(RedisKeys.meta(channel), RedisKeys.META_PARTITION));
            }
        }
        for (Map.Entry<ChannelName, RedisFuture<String>> read : reads.entrySet()) {
            String part = redis.await(read.getValue(), "read the meta of " + read.getKey());
            known.put(read.getKey(), part != null ? new Owner(Integer.parseInt(part), true)
                    : new Owner(layout.home(read.getKey()), false));
        }
        Map<ChannelName, Owner> owners = new LinkedHashMap<>();
        channels.forEach(channel -> owners.put(channel, known.get(channel)));
        return owners;
    }
}
