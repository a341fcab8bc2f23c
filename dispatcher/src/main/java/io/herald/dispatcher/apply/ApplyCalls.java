package io.herald.dispatcher.apply;

import io.herald.core.position.Position;
import io.herald.dispatcher.apply.Replies.Reply;
import io.herald.engine.apply.ApplyCommand;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A batch's records as apply script calls of up to {@link #RECORDS_PER_CALL} records each, queued on one connection,
 * and their replies turned into per-record results.
 *
 * <p>Most of what one record costs Redis is the call around it (EVALSHA's parsing, the script's set-up, its reply),
 * not the record's five writes: 100 records in one call apply about three times as fast as 100 calls. A call is
 * atomic, so it also holds Redis for its whole length; {@link #RECORDS_PER_CALL} keeps that to about a millisecond, a
 * wait a reader (an edge reading a log back) hardly notices.
 *
 * <p>Within a call the script applies each record as a call of its own would, in order, and answers per record,
 * failures included; a call that fails as a whole (NOSCRIPT, a lost connection) fails each of its records. So every
 * record gets the result, or the error, it got when each had a call of its own, and {@link ApplyGaps} reads the same
 * evidence from them.
 */
final class ApplyCalls {

    /** Records per EVALSHA: about a millisecond of Redis time (see the class comment). */
    static final int RECORDS_PER_CALL = 100;

    private ApplyCalls() {
    }

    /** One call sent: the batch indexes of its records, in the order applied, and its reply to come. */
    record Sent(List<Integer> indexes, RedisFuture<List<Object>> reply) {
    }

    /**
     * Queues the commands at {@code indexes} (in Kafka order) without flushing. On one Redis server consecutive records
     * share a call, so the calls run in Kafka order; on a Redis Cluster ({@code bySlot}) a call holds records of one
     * slot, in Kafka order (a channel lives in one slot, so its records keep their order).
     */
    static List<Sent> queue(RedisAsyncCommands<String, String> redis, ApplyScript script, List<ApplyCommand> commands,
            List<Integer> indexes, boolean bySlot, IntFunction<Position> ifNew) {
        List<Sent> sent = new ArrayList<>();
        for (List<Integer> group : bySlot ? bySlot(commands, indexes).values() : List.of(indexes)) {
            for (int from = 0; from < group.size(); from += RECORDS_PER_CALL) {
                List<Integer> part = group.subList(from, Math.min(group.size(), from + RECORDS_PER_CALL));
                ApplyScript.Call call = script.call();
                for (int i : part) {
                    ApplyCommand c = commands.get(i);
                    call.add(c.channel(), c.offset(), c.partition(), c.envelopeJson(), c.retention(), ifNew.apply(c.partition()));
                }
                sent.add(new Sent(part, call.send(redis)));
            }
        }
        return sent;
    }

    private static Map<Integer, List<Integer>> bySlot(List<ApplyCommand> commands, List<Integer> indexes) {
        Map<Integer, List<Integer>> slots = new LinkedHashMap<>();
        for (int i : indexes) {
            slots.computeIfAbsent(SlotHash.getSlot(RedisKeys.log(commands.get(i).channel())), s -> new ArrayList<>()).add(i);
        }
        return slots;
    }

    /**
     * Awaits the calls' replies until {@code deadline} and records each record's result ({@link Replies#record});
     * a record without one adds its error to {@code errors} ({@code loadError}, the SCRIPT LOAD's, first if there was one).
     */
    static void await(List<Sent> sent, long deadline, Duration timeout, Throwable loadError, ApplyResult[] results,
            long[] appliedPrev, SendErrors errors) {
        for (Sent call : sent) {
            Reply<List<Object>> reply = Replies.await(call.reply(), deadline, timeout);
            for (int k = 0; k < call.indexes().size(); k++) {
                Throwable error = reply.error();
                if (error == null) {
                    try {
                        Replies.record(ApplyScript.recordResult(reply.value().get(k)), call.indexes().get(k), results, appliedPrev);
                        continue;
                    } catch (RuntimeException e) {
                        error = e instanceof RedisCommandExecutionException ? e
                                : new IllegalStateException("unexpected reply from the apply script: " + reply.value(), e);
                    }
                }
                errors.add(loadError != null ? loadError : error, error);
            }
        }
    }
}
