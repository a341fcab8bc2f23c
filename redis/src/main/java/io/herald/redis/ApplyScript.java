package io.herald.redis;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The one Lua script that applies a Kafka record to Redis (duplicate check, XADD with the explicit ID and
 * {@code prev}, meta update, expiry refresh, PUBLISH), called by SHA. The script is idempotent per
 * position, so a caller may resend a whole batch after any failure, including NOSCRIPT after a Redis
 * restart, without writing anything twice.
 */
public final class ApplyScript {

    private static final LuaScript SCRIPT = LuaScript.fromResource(ApplyScript.class, "apply.lua");
    public static final String SOURCE = SCRIPT.source();
    public static final String SHA = SCRIPT.sha();

    private final boolean sharded;

    /** @param sharded publish with SPUBLISH (Redis Cluster) instead of PUBLISH */
    public ApplyScript(boolean sharded) {
        this.sharded = sharded;
    }

    /** Loads the script into the server's cache; call once per connection and after NOSCRIPT. */
    public static CompletionStage<String> load(RedisAsyncCommands<String, String> redis) {
        return redis.scriptLoad(SOURCE);
    }

    /**
     * Sends one EVALSHA without waiting (Lettuce pipelines commands issued back to back on a connection).
     * A {@link RedisNoScriptException} in the result means the caller must {@link #load} and resend.
     */
    public RedisFuture<List<Object>> apply(RedisAsyncCommands<String, String> redis, ChannelName channel,
            long offset, int partition, String envelopeJson, Retention retention) {
        return apply(redis, channel, offset, partition, envelopeJson, retention, Position.NONE);
    }

    /**
     * @param ifNew the {@code prev} written for a channel the dataset has no trace of: {@link Position#NONE} when
     *              the dataset holds the partition from its start, else the position before the offset from which
     *              it does (the channel's earlier records, if any, are at or below it)
     */
    public RedisFuture<List<Object>> apply(RedisAsyncCommands<String, String> redis, ChannelName channel,
            long offset, int partition, String envelopeJson, Retention retention, Position ifNew) {
        String[] keys = {RedisKeys.log(channel), RedisKeys.meta(channel)};
        return redis.evalsha(SHA, ScriptOutputType.MULTI, keys,
                Long.toString(offset), envelopeJson, Integer.toString(partition),
                Integer.toString(retention.maxLen()), Long.toString(retention.ttl().toSeconds()),
                RedisKeys.pubsub(channel), sharded ? "SPUBLISH" : "PUBLISH",
                Long.toString(Math.max(retention.ttl().toSeconds(), retention.metaTtl().toSeconds())),
                ifNew.toString());
    }

    /** Interprets the script's reply. */
    public static ApplyResult result(List<Object> reply) {
        long status = (Long) reply.get(0);
        Position position = Position.parse((String) reply.get(1));
        if (status == 1) {
            return new ApplyResult(ApplyResult.Outcome.APPLIED, position, -1);
        }
        if (status == 0) {
            return new ApplyResult(ApplyResult.Outcome.DUPLICATE, position, -1);
        }
        return new ApplyResult(ApplyResult.Outcome.PARTITION_MISMATCH, position, Integer.parseInt((String) reply.get(2)));
    }

    public static boolean isNoScript(Throwable error) {
        Throwable cause = error;
        while (cause != null) {
            if (cause instanceof RedisNoScriptException) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }
}
