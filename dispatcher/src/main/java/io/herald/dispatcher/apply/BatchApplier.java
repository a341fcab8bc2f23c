package io.herald.dispatcher.apply;

import io.herald.core.redis.ApplyResult;
import io.herald.core.redis.ApplyScript;
import io.herald.dispatcher.redis.RedisConnections;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch to Redis: every EVALSHA of the batch sent back to back on one connection and flushed in
 * one write, then all replies awaited. Never throws for Redis trouble: the {@link BatchOutcome} says which
 * commands got no answer, and the caller retries the whole batch (the script is idempotent per position).
 *
 * <p>Each send starts with SCRIPT LOAD on the same connection. It costs one cheap command per batch and means
 * that the EVALSHA calls after it find the script even on a Redis that restarted empty since the last batch,
 * instead of failing with NOSCRIPT until some client reloads it — possibly in the middle of this pipeline,
 * which would apply a channel's later records but not its earlier ones. A NOSCRIPT can then only come from a
 * SCRIPT FLUSH during the send; the batch is sent once more at once, and {@link ApplyGaps} catches whatever
 * that interleaving skipped.
 *
 * <p>Why not load once per connection, and again after NOSCRIPT: it saves next to nothing and weakens the above.
 * A SCRIPT LOAD of a cached script costs Redis a SHA1 of the 1.6 KB source and a lookup, pipelined with the
 * batch (no extra round trip): redis-benchmark runs it at about 5 times the rate of the apply script, so it is a
 * fifth of one EVALSHA per batch, 0.04% of a 500-record batch. Without it, the script cache can empty without
 * the connection noticing (SCRIPT FLUSH, a failover behind a proxy; a restart too, unless reconnects were
 * tracked), and then the first batch of every listener thread and dispatcher instance fails whole with NOSCRIPT
 * and is sent again, and one that fails while another's reload lands is cut in two: records skipped for good.
 */
public final class BatchApplier {

    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);

    private final RedisConnections connections;
    private final ApplyScript script;
    private final Duration timeout;

    /**
     * @param timeout how long one send may wait for all of its replies before the missing ones count as failed
     */
    public BatchApplier(RedisConnections connections, ApplyScript script, Duration timeout) {
        this.connections = connections;
        this.script = script;
        this.timeout = timeout;
    }

    /** Loads the script, for a first contact at startup; a failure is returned, not thrown. */
    public Throwable loadScript() {
        try {
            StatefulRedisConnection<String, String> connection = connections.borrow();
            try {
                Future<String> load = ApplyScript.load(connection.async()).toCompletableFuture();
                connection.flushCommands();
                load.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            } finally {
                connections.release(connection);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException | RuntimeException e) {
            return e;
        }
    }

    public BatchOutcome apply(List<ApplyCommand> commands) {
        int n = commands.size();
        ApplyResult[] results = new ApplyResult[n];
        long[] appliedPrev = new long[n];
        Arrays.fill(appliedPrev, ApplyGaps.NOT_APPLIED);
        if (n == 0) {
            return new BatchOutcome(List.of(), ApplyGaps.find(commands, appliedPrev), null);
        }
        StatefulRedisConnection<String, String> connection;
        try {
            connection = connections.borrow();
        } catch (RuntimeException e) {
            return outcome(commands, results, appliedPrev, e);
        }
        try {
            Failure failure = send(connection, commands, results, appliedPrev);
            if (failure != null && failure.onlyNoScript()) {
                log.info("redis lost the apply script during a batch (SCRIPT FLUSH?), resending the batch records={}", n);
                failure = send(connection, commands, results, appliedPrev);
            }
            return outcome(commands, results, appliedPrev, failure == null ? null : failure.first());
        } finally {
            connections.release(connection);
        }
    }

    private static BatchOutcome outcome(List<ApplyCommand> commands, ApplyResult[] results, long[] appliedPrev,
            Throwable failure) {
        return new BatchOutcome(Arrays.asList(results), ApplyGaps.find(commands, appliedPrev), failure);
    }

    /** The first error of a send and whether every error was NOSCRIPT. */
    private record Failure(Throwable first, boolean onlyNoScript) {
    }

    /**
     * One pipelined send. Fills in a result for every command that got one (an APPLIED result from an earlier
     * send is kept: a resend of it only says "duplicate") and the applied {@code prev} evidence.
     */
    private Failure send(StatefulRedisConnection<String, String> connection, List<ApplyCommand> commands,
            ApplyResult[] results, long[] appliedPrev) {
        RedisAsyncCommands<String, String> redis = connection.async();
        CompletableFuture<String> load = ApplyScript.load(redis).toCompletableFuture();
        List<RedisFuture<List<Object>>> replies = new ArrayList<>(commands.size());
        for (ApplyCommand c : commands) {
            replies.add(script.apply(redis, c.channel(), c.offset(), c.partition(), c.envelopeJson(), c.retention()));
        }
        connection.flushCommands();

        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable loadError = await(load, deadline).error();
        Throwable first = null;
        boolean onlyNoScript = true;
        for (int i = 0; i < replies.size(); i++) {
            Reply<List<Object>> reply = await(replies.get(i), deadline);
            Throwable error = reply.error();
            if (error == null) {
                try {
                    record(ApplyScript.result(reply.value()), i, results, appliedPrev);
                    continue;
                } catch (RuntimeException e) {
                    error = new IllegalStateException("unexpected reply from the apply script: " + reply.value(), e);
                }
            }
            if (first == null) {
                first = loadError != null ? loadError : error;
            }
            onlyNoScript &= ApplyScript.isNoScript(error);
        }
        return first == null ? null : new Failure(first, onlyNoScript);
    }

    private static void record(ApplyResult result, int i, ApplyResult[] results, long[] appliedPrev) {
        if (result.outcome() == ApplyResult.Outcome.APPLIED) {
            appliedPrev[i] = Math.min(appliedPrev[i], result.previous().offset());
            results[i] = result;
        } else if (results[i] == null || results[i].outcome() != ApplyResult.Outcome.APPLIED) {
            results[i] = result;
        }
    }

    private record Reply<T>(T value, Throwable error) {
    }

    private <T> Reply<T> await(Future<T> future, long deadline) {
        try {
            return new Reply<>(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null);
        } catch (ExecutionException e) {
            return new Reply<>(null, e.getCause());
        } catch (TimeoutException e) {
            return new Reply<>(null, new TimeoutException("no reply from redis within " + timeout.toMillis() + "ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply<>(null, e);
        }
    }
}
