package io.herald.edge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    private static final long SECOND = 1_000_000_000L;

    private final OutboundQueue<String> queue = new OutboundQueue<>(10, SECOND, String::length);

    @Test
    void countsTheBytesOfWhatIsQueuedUntilItIsTaken() {
        queue.add("abcd");
        queue.add("efghij");
        assertThat(queue.bytes()).isEqualTo(10);
        assertThat(queue.overBytes()).isFalse();
        queue.add("k");
        assertThat(queue.overBytes()).isTrue();

        String[] batch = new String[2];
        assertThat(queue.peek(batch)).isEqualTo(2);
        assertThat(batch).containsExactly("abcd", "efghij");
        assertThat(queue.bytes()).isEqualTo(11); // peeking takes nothing

        assertThat(queue.poll()).isEqualTo("abcd");
        assertThat(queue.bytes()).isEqualTo(7);
        queue.clear();
        assertThat(queue.bytes()).isZero();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aClientThatTakesNothingIsTooSlowOnlyPastTheDelayLimit() {
        assertThat(queue.stalledTooLong(100 * SECOND)).isFalse(); // flowing: no limit runs
        queue.stalled(10 * SECOND);
        assertThat(queue.stalledTooLong(11 * SECOND)).isFalse();
        assertThat(queue.stalledTooLong(11 * SECOND + 1)).isTrue();
        queue.flowing();
        assertThat(queue.stalledTooLong(100 * SECOND)).isFalse();
    }

    @Test
    void aReplayWaitsUntilTheQueueIsDownToHalfItsLimit() throws Exception {
        Object lock = new Object();
        queue.add("0123456789");
        CompletableFuture<Boolean> room = CompletableFuture.supplyAsync(() -> {
            synchronized (lock) {
                try {
                    return queue.awaitRoom(lock, () -> false);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        synchronized (lock) {
            queue.poll();
            lock.notifyAll();
        }
        assertThat(room.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aReplayGivesUpAfterTheDelayLimitOrWhenTheConnectionEnded() throws InterruptedException {
        OutboundQueue<String> strict = new OutboundQueue<>(10, Duration.ofMillis(50).toNanos(), String::length);
        strict.add("0123456789");
        Object lock = new Object();
        synchronized (lock) {
            assertThat(strict.awaitRoom(lock, () -> false)).isFalse();
            strict.clear();
            assertThat(strict.awaitRoom(lock, () -> true)).isFalse();
            assertThat(strict.awaitRoom(lock, () -> false)).isTrue();
        }
    }
}
