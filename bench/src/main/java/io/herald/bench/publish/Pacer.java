package io.herald.bench.publish;

import io.herald.bench.measure.MicroClock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongToIntFunction;

/**
 * Publishes {@code count} messages at a fixed rate, the way the peers' publisher does: every millisecond it sends
 * the messages that are due by then, so the rate holds even when one send is slow, and a backlog shows up as
 * latency, not as a lower rate.
 */
public final class Pacer {

    /**
     * What a publishing run did.
     *
     * @param startMicros when the first message was due
     * @param endMicros   when the last message was acknowledged
     */
    public record Run(long sent, long errors, long startMicros, long endMicros) {

        public double actualRate() {
            return sent * 1e6 / Math.max(1, endMicros - startMicros);
        }
    }

    private Pacer() {
    }

    /**
     * @param firstSeq the seq of the first message; the next ones follow
     * @param channel  the channel index of each seq
     */
    public static Run run(Publisher publisher, double rate, long count, long firstSeq, LongToIntFunction channel)
            throws InterruptedException {
        AtomicLong errors = new AtomicLong();
        long start = MicroClock.nowMicros();
        long sent = 0;
        CompletionStage<?> last = CompletableFuture.completedFuture(null);
        while (sent < count) {
            long due = Math.min(count, (long) ((MicroClock.nowMicros() - start) * rate / 1e6) + 1);
            for (; sent < due; sent++) {
                long seq = firstSeq + sent;
                last = publisher.publish(seq, MicroClock.nowMicros(), channel.applyAsInt(seq))
                        .whenComplete((ok, error) -> {
                            if (error != null) {
                                errors.incrementAndGet();
                            }
                        });
            }
            publisher.flush();
            if (sent < count) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        try {
            last.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // counted in errors
        }
        return new Run(sent, errors.get(), start, MicroClock.nowMicros());
    }
}
