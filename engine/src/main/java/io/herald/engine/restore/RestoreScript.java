package io.herald.engine.restore;

import io.herald.core.channel.ChannelName;
import io.herald.redis.LuaScript;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The restore script ({@code restore.lua}): writes records into a channel's log in position order, below the
 * log's top if need be, without publishing. See the script's header for the merge.
 */
final class RestoreScript {

    private static final LuaScript SCRIPT = LuaScript.fromResource(RestoreScript.class, "restore.lua");
    static final String SOURCE = SCRIPT.source();
    static final String SHA = SCRIPT.sha();

    private RestoreScript() {
    }

    /**
     * @param partition the records' partition
     * @param history   the partitions of the channel's history, oldest first (one unless a growth of the topic moved
     *                  the channel): its meta may name any of them
     */
    static RedisFuture<List<Object>> restore(RedisClusterAsyncCommands<String, String> redis, ChannelName channel,
            int partition, List<Integer> history, Retention retention, boolean dryRun, List<RestoreRecord> records) {
        String[] keys = {RedisKeys.log(channel), RedisKeys.meta(channel)};
        List<String> args = new ArrayList<>(5 + records.size() * 4);
        args.add(history.size() <= 1 ? Integer.toString(partition) : partition + "/"
                + history.stream().map(String::valueOf).collect(Collectors.joining(",")));
        args.add(Integer.toString(retention.maxLen()));
        args.add(Long.toString(retention.ttl().toSeconds()));
        args.add(Long.toString(Math.max(retention.ttl().toSeconds(), retention.metaTtl().toSeconds())));
        args.add(dryRun ? "1" : "0");
        for (RestoreRecord record : records) {
            args.add(Long.toString(record.offset()));
            args.add(record.prev().toString());
            args.add(record.prevKnown() ? "1" : "0");
            args.add(record.envelopeJson());
        }
        return redis.evalsha(SHA, ScriptOutputType.MULTI, keys, args.toArray(String[]::new));
    }

    /** What the script did with one channel's records. */
    record Result(boolean partitionMismatch, long written, long present, long repaired, long trimmed, String metaPartition) {

        static Result of(List<Object> reply) {
            long status = (Long) reply.get(0);
            return new Result(status == 2, (Long) reply.get(1), (Long) reply.get(2), (Long) reply.get(3),
                    (Long) reply.get(4), status == 2 ? (String) reply.get(5) : null);
        }
    }
}
