package io.herald.edge.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/**
 * Partition ends are asked for in rounds: requests made while a round is in flight share the next one, and none is
 * answered by a round that started before it. Against an admin client whose answers the test gives (the rounds'
 * timing is the point here; the real broker answers them in KafkaLog's integration tests and the benchmarks).
 */
class PartitionEndsTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    /** Each listOffsets call: the partitions asked and the future the test completes. */
    private record Call(Map<TopicPartition, OffsetSpec> asked, KafkaFutureImpl<Map<TopicPartition, ListOffsetsResultInfo>> all) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final PartitionEnds ends = new PartitionEnds(admin(), Duration.ofSeconds(5));

    @Test
    void requestsMadeDuringARoundShareTheNextOneAndNoneIsAnsweredByAnEarlierRound() throws Exception {
        CompletableFuture<Long> first = ends.end(P0);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).asked()).containsOnlyKeys(P0);

        CompletableFuture<Long> second = ends.end(P0);
        CompletableFuture<Long> third = ends.end(P1);
        CompletableFuture<Long> fourth = ends.end(P0);
        assertThat(calls).as("one round at a time").hasSize(1);

        answer(0, Map.of(P0, 5L));
        assertThat(first.get()).isEqualTo(5);
        // the round in flight when they asked cannot vouch for what was published after it started
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        assertThat(calls).as("the next round starts when one ends").hasSize(2);
        assertThat(calls.get(1).asked()).containsOnlyKeys(P0, P1);

        answer(1, Map.of(P0, 7L, P1, 3L));
        assertThat(second.get()).isEqualTo(7);
        assertThat(fourth.get()).isEqualTo(7);
        assertThat(third.get()).isEqualTo(3);
        assertThat(calls).as("nothing left to ask").hasSize(2);

        CompletableFuture<Long> later = ends.end(P1);
        assertThat(calls).as("an idle node asks at once").hasSize(3);
        answer(2, Map.of(P1, 4L));
        assertThat(later.get()).isEqualTo(4);
    }

    @Test
    void aFailedRoundFailsItsRequestsAndTheNextRoundStillRuns() throws Exception {
        CompletableFuture<Long> failing = ends.end(P0);
        CompletableFuture<Long> waiting = ends.end(P1);
        calls.get(0).all().completeExceptionally(new TimeoutException("no answer"));
        assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(KafkaException.class).hasMessageContaining("no answer");
        assertThat(calls).hasSize(2);
        answer(1, Map.of(P1, 9L));
        assertThat(waiting.get()).isEqualTo(9);
    }

    private void answer(int call, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, ListOffsetsResultInfo> infos = new HashMap<>();
        offsets.forEach((tp, offset) -> infos.put(tp, new ListOffsetsResultInfo(offset, -1, Optional.empty())));
        calls.get(call).all().complete(infos);
    }

    /** An admin client that only records listOffsets calls; the test answers them. */
    @SuppressWarnings("unchecked")
    private Admin admin() {
        return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("listOffsets")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Map<TopicPartition, OffsetSpec> asked = new HashMap<>((Map<TopicPartition, OffsetSpec>) args[0]);
                    KafkaFutureImpl<Map<TopicPartition, ListOffsetsResultInfo>> all = new KafkaFutureImpl<>();
                    calls.add(new Call(asked, all));
                    Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> each = new HashMap<>();
                    asked.keySet().forEach(tp -> each.put(tp, all.thenApply(result -> result.get(tp))));
                    return new AllOf(each, all);
                });
    }

    /** A result whose {@code all()} is the test's own future (ListOffsetsResult builds its own from the parts). */
    private static final class AllOf extends ListOffsetsResult {
        private final KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> all;

        AllOf(Map<TopicPartition, KafkaFuture<ListOffsetsResultInfo>> each,
                KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> all) {
            super(each);
            this.all = all;
        }

        @Override
        public KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> all() {
            return all;
        }
    }
}
