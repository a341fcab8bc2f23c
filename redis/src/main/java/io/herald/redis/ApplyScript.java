package io.herald.redis;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The one Lua script that applies Kafka records to Redis (per record: duplicate check, XADD with the explicit ID and
 * {@code prev}, meta update, expiry refresh, PUBLISH), called by SHA. One call takes any number of records, of any
 * channels whose keys it may touch together (on a Redis Cluster: one slot), and applies each as a call of its own
 * would, in the order given, with a result per record. A channel's records in one call share its meta read, its meta
 * write and its expiry refresh: its second and later records cost Redis less than half of a first. The script is
 * idempotent per position, so a caller may resend a whole batch after any failure, including NOSCRIPT after a Redis
 * restart, without writing anything twice.
 */
public final class ApplyScript {

    private static final LuaScript SCRIPT = LuaScript.fromResource(ApplyScript.class, "apply.lua");
    public static final String SOURCE = SCRIPT.source();
    public static final String SHA = SCRIPT.sha();

    private static final long APPLIED = 1;
    private static final long DUPLICATE = 0;
    private static final long MISMATCH = 2;

    private final boolean sharded;

    /** @param sharded publish with SPUBLISH (Redis Cluster) instead of PUBLISH */
    public ApplyScript(boolean sharded) {
        this.sharded = sharded;
    }

    /** Loads the script into the server's cache; call once per connection and after NOSCRIPT. */
    public static CompletionStage<String> load(RedisAsyncCommands<String, String> redis) {
        return redis.scriptLoad(SOURCE);
    }

    /** Starts a call of several records; {@link Call#send} sends it. */
    public Call call() {
        return new Call(sharded ? "SPUBLISH" : "PUBLISH");
    }

    /**
     * Sends a one-record call without waiting (Lettuce pipelines commands issued back to back on a connection); its
     * reply is read with {@link #result}. A {@link RedisNoScriptException} means the caller must {@link #load} and resend.
     */
    public RedisFuture<List<Object>> apply(RedisAsyncCommands<String, String> redis, ChannelName channel,
            long offset, int partition, String envelopeJson, Retention retention) {
        return apply(redis, channel, offset, partition, envelopeJson, retention, Position.NONE);
    }

    /** @param ifNew see {@link Call#add} */
    public RedisFuture<List<Object>> apply(RedisAsyncCommands<String, String> redis, ChannelName channel,
            long offset, int partition, String envelopeJson, Retention retention, Position ifNew) {
        Call call = call();
        call.add(channel, offset, partition, envelopeJson, retention, ifNew);
        return call.send(redis);
    }

    /** Interprets the reply of a one-record call; throws what a failed record's call would have failed with. */
    public static ApplyResult result(List<Object> reply) {
        if (reply.size() != 1) {
            throw new IllegalArgumentException("not the reply of a one-record call: " + reply);
        }
        return recordResult(reply.get(0));
    }

    /**
     * Interprets one record's element of a call's reply (the reply has one element per record, in the order they were
     * added). A record whose Redis commands failed (OOM, READONLY, ...) throws a {@link RedisCommandExecutionException}
     * with Redis's message, as its own call would have failed.
     */
    public static ApplyResult recordResult(Object element) {
        if (!(element instanceof List<?> reply) || reply.size() < 2 || !(reply.get(0) instanceof Long status)) {
            throw new IllegalArgumentException("not a record's reply from the apply script: " + element);
        }
        if (status != APPLIED && status != DUPLICATE && status != MISMATCH) {
            throw new RedisCommandExecutionException(String.valueOf(reply.get(1)));
        }
        Position position = Position.parse((String) reply.get(1));
        if (status == APPLIED) {
            return new ApplyResult(ApplyResult.Outcome.APPLIED, position, -1);
        }
        if (status == DUPLICATE) {
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

    /**
     * The records of one EVALSHA, in the order they are applied. Every channel's log and meta are declared in KEYS;
     * on a Redis Cluster the caller adds only channels of one slot.
     */
    public static final class Call {

        private final String publish;
        private final Map<ChannelName, Integer> channelNumbers = new HashMap<>();
        private final List<String> keys = new ArrayList<>();
        private final List<String> channelArgs = new ArrayList<>();
        private final List<String> recordArgs = new ArrayList<>();

        private Call(String publish) {
            this.publish = publish;
        }

        /**
         * Adds a record, applied after those added before it.
         *
         * @param retention the channel's retention; a channel's first record in the call sets it for the call (it is
         *                  the channel's namespace's, the same for every record of the channel)
         * @param ifNew     the {@code prev} written for a channel the dataset has no trace of: {@link Position#NONE}
         *                  when the dataset holds the partition from its start, else the position before the offset
         *                  from which it does (the channel's earlier records, if any, are at or below it)
         */
        public void add(ChannelName channel, long offset, int partition, String envelopeJson, Retention retention,
                Position ifNew) {
            add(channel, offset, partition, -1, -1, envelopeJson, retention, ifNew);
        }

        /**
         * As {@link #add(ChannelName, long, int, String, Retention, Position)}, on a topic whose partition count
         * grew ({@code core.kafka.TopicLayout}).
         *
         * @param movedFrom for a partition a growth created, the partition its channels may have lived in before
         *                  (the channel's meta then names it, and the record moves the channel here); else -1
         * @param movedTo   the partition the channel lives in now when a growth has since moved it away from
         *                  {@code partition} (a record read again from its old partition is then a duplicate when
         *                  at or below the channel's last position); else -1
         */
        public void add(ChannelName channel, long offset, int partition, int movedFrom, int movedTo,
                String envelopeJson, Retention retention, Position ifNew) {
            Integer number = channelNumbers.get(channel);
            if (number == null) {
                number = channelNumbers.size() + 1;
                channelNumbers.put(channel, number);
                keys.add(RedisKeys.log(channel));
                keys.add(RedisKeys.meta(channel));
                long ttl = retention.ttl().toSeconds();
                channelArgs.add(RedisKeys.pubsub(channel));
                channelArgs.add(Integer.toString(retention.maxLen()));
                channelArgs.add(Long.toString(ttl));
                channelArgs.add(Long.toString(Math.max(ttl, retention.metaTtl().toSeconds())));
            }
            recordArgs.add(number.toString());
            recordArgs.add(Long.toString(offset));
            recordArgs.add(partition + (movedFrom < 0 ? "" : "<" + movedFrom) + (movedTo < 0 ? "" : ">" + movedTo));
            recordArgs.add(envelopeJson);
            recordArgs.add(ifNew.toString());
        }

        /**
         * Sends the call without waiting. Its reply has one element per record, read with {@link #recordResult}; a
         * failure of the whole call (NOSCRIPT, a lost connection, ...) is every record's.
         */
        public RedisFuture<List<Object>> send(RedisAsyncCommands<String, String> redis) {
            List<String> args = new ArrayList<>(2 + channelArgs.size() + recordArgs.size());
            args.add(publish);
            args.add(Integer.toString(channelNumbers.size()));
            args.addAll(channelArgs);
            args.addAll(recordArgs);
            return redis.evalsha(SHA, ScriptOutputType.MULTI, keys.toArray(String[]::new), args.toArray(String[]::new));
        }
    }
}
