package io.herald.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanOutTest {

    private final CountDownLatch firstBatchHeld = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private final FanOut<Integer> fanOut = new FanOut<>("test-fan-out", 10, 4, batch -> {
        batches.add(List.copyOf(batch));
        if (batches.size() == 1) {
            firstBatchHeld.countDown();
            try {
                release.await(10, TimeUnit.SECONDS); // the fan-out thread is busy: items pile up behind it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }, dropped::incrementAndGet);

    @AfterEach
    void stop() {
        release.countDown();
        fanOut.stop();
    }

    @Test
    void whatQueuesWhileABatchIsHandledLeavesInBatchesInOrder() throws InterruptedException {
        fanOut.offer(0);
        assertThat(firstBatchHeld.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 9; i++) {
            fanOut.offer(i);
        }
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> batches.stream().mapToInt(List::size).sum() == 10);
        assertThat(batches).containsExactly(List.of(0), List.of(1, 2, 3, 4), List.of(5, 6, 7, 8), List.of(9));
        assertThat(dropped).hasValue(0);
    }

    @Test
    void pastTheQueueLimitItemsAreDroppedAndCountedWithoutBlocking() throws InterruptedException {
        fanOut.offer(0);
        assertThat(firstBatchHeld.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 15; i++) {
            fanOut.offer(i); // the connection's thread must never wait here
        }
        assertThat(dropped).hasValue(5);
        assertThat(fanOut.queued()).isEqualTo(10);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> batches.stream().mapToInt(List::size).sum() == 11);
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }
}
