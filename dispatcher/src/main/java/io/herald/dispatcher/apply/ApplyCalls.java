package io.herald.dispatcher.apply;

import io.herald.core.channel.ChannelName;
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
import java.util.function.Function;

/**
 * A batch's records as apply script calls of up to {@link #RECORDS_PER_CALL} records each, a channel's records
 * together, queued on one connection, and their replies turned into per-record results.
 *
 * <p>A record costs Redis six commands: read the channel's meta, XADD, PUBLISH, write the meta, refresh two expiries.
 * Within one call a channel's records share the read, the write and the refreshes, so a channel's second and later
 * records in a call cost two commands instead of six, and the call itself (EVALSHA's parsing, the script's set-up) is
 * paid once for many records. A call is atomic, so it holds Redis for its whole length; {@link #RECORDS_PER_CALL}
 * keeps that to 1-2 ms (10-20 µs a record), a wait a reader (an edge reading a log back) hardly notices.
 *
 * <p>Within a call the script applies each record as a call of its own would, in order, and answers per record,
 * failures included; a call that fails as a whole (NOSCRIPT, a lost connection) fails each of its records. So every
 * record gets the result, or the error, it got when each had a call of its own, and {@link ApplyGaps} reads the same
 * evidence from them.
 */
final class ApplyCalls {

    /** Records per EVALSHA: 1-2 ms of Redis time (see the class comment). */
    static final int RECORDS_PER_CALL = 100;

    private ApplyCalls() {
    }

    /** One call sent: the batch indexes of its records, in the order applied, and its reply to come. */
    record Sent(List<Integer> indexes, RedisFuture<List<Object>> reply) {
    }

    /**
     * Queues the commands at {@code indexes} (in Kafka order) without flushing, a channel's records next to each other
     * in Kafka order, the channels in the order of their first record: a channel's records in one call share its meta
     * read and write and its expiry refresh. Records of different channels may thus be applied, and published, in
     * another order than Kafka's, which no reader can tell (each channel has its own log, meta and pub/sub channel).
     * On a Redis Cluster ({@code bySlot}) a call holds records of one slot only.
     */
    static List<Sent> queue(RedisAsyncCommands<String, String> redis, ApplyScript script, List<ApplyCommand> commands,
            List<Integer> indexes, boolean bySlot, Function<ApplyCommand, Position> ifNew) {
        List<Sent> sent = new ArrayList<>();
        for (List<Integer> group : grouped(commands, indexes, bySlot)) {
            for (int from = 0; from < group.size(); from += RECORDS_PER_CALL) {
                List<Integer> part = group.subList(from, Math.min(group.size(), from + RECORDS_PER_CALL));
                ApplyScript.Call call = script.call();
                for (int i : part) {
                    ApplyCommand c = commands.get(i);
                    call.add(c.channel(), c.offset(), c.partition(), c.movedFrom(), c.movedTo(), c.envelopeJson(), c.retention(),
                            ifNew.apply(c));
                }
                sent.add(new Sent(part, call.send(redis)));
            }
        }
        return sent;
    }

    /** The indexes by channel, and by slot when {@code bySlot}: each list may go into calls of its own. */
    private static List<List<Integer>> grouped(List<ApplyCommand> commands, List<Integer> indexes, boolean bySlot) {
        Map<ChannelName, List<Integer>> channels = new LinkedHashMap<>();
        for (int i : indexes) {
            channels.computeIfAbsent(commands.get(i).channel(), c -> new ArrayList<>()).add(i);
        }
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        channels.forEach((channel, records) -> groups
                .computeIfAbsent(bySlot ? SlotHash.getSlot(RedisKeys.log(channel)) : 0, s -> new ArrayList<>()).addAll(records));
        return List.copyOf(groups.values());
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
