package io.herald.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catch-up queue's fairness: one owner's backlog never stands in front of another owner's catch-up. */
class CatchUpQueueTest {

    @Test
    void anotherOwnersCatchUpIsNextWhateverTheBacklogAhead() throws InterruptedException {
        CatchUpQueue queue = new CatchUpQueue(1);
        for (int i = 0; i < 1000; i++) {
            queue.add(subscription("mallory", "broadcast:" + i));
        }
        ChannelSubscription first = queue.take();
        assertThat(first.owner()).isEqualTo("mallory");
        queue.add(subscription("alice", "user:alice"));

        // mallory's one running catch-up holds mallory's only slot: alice's is next, not mallory's 999 others
        ChannelSubscription next = queue.take();
        assertThat(next.owner()).isEqualTo("alice");
        assertThat(queue.waiting()).isEqualTo(999);
    }

    @Test
    void ownersTakeTurnsAndEachRunsAtMostItsShareAtOnce() throws InterruptedException {
        CatchUpQueue queue = new CatchUpQueue(2);
        for (int i = 0; i < 4; i++) {
            queue.add(subscription("a", "user:a" + i));
            queue.add(subscription("b", "user:b" + i));
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add(queue.take().owner());
        }
        assertThat(order).containsExactly("a", "b", "a", "b");
        assertThat(queue.waiting()).isEqualTo(4);

        queue.add(subscription("c", "user:c"));
        assertThat(queue.take().owner()).as("a and b each run 2: only c may start").isEqualTo("c");
        queue.done("a");
        assertThat(queue.take().owner()).isEqualTo("a");
    }

    @Test
    void takeReturnsNullOnceClosed() throws InterruptedException {
        CatchUpQueue queue = new CatchUpQueue(1);
        queue.close();
        assertThat(queue.take()).isNull();
    }

    private static ChannelSubscription subscription(String owner, String channel) {
        return new ChannelSubscription(ChannelName.parse(channel), null, new FrameSink() {
            @Override
            public boolean send(TextFrame frame) {
                return true;
            }

            @Override
            public boolean awaitCapacity() {
                return true;
            }

            @Override
            public String owner() {
                return owner;
            }

            @Override
            public void forget(ChannelSubscription subscription) {
            }
        }, null, null, null);
    }
}
