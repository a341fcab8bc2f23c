package io.herald.dispatcher.apply;

import io.herald.redis.ApplyResult;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for pipelined replies against one deadline, and keeping the evidence of what an attempt applied. */
final class Replies {

    private Replies() {
    }

    /** A reply or why there is none. */
    record Reply<T>(T value, Throwable error) {
    }

    /** Waits until {@code deadline} ({@link System#nanoTime()}); {@code timeout} only names the limit in the error. */
    static <T> Reply<T> await(Future<T> future, long deadline, Duration timeout) {
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

    /**
     * Records command {@code i}'s result: an APPLIED result from an earlier send is kept (a resend of it only says
     * "duplicate"), and the lowest {@code prev} it was applied with is the evidence {@link ApplyGaps} reads.
     */
    static void record(ApplyResult result, int i, ApplyResult[] results, long[] appliedPrev) {
        if (result.outcome() == ApplyResult.Outcome.APPLIED) {
            appliedPrev[i] = Math.min(appliedPrev[i], result.previous().offset());
            results[i] = result;
        } else if (results[i] == null || results[i].outcome() != ApplyResult.Outcome.APPLIED) {
            results[i] = result;
        }
    }
}
