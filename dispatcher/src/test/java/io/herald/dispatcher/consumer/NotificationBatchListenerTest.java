package io.herald.dispatcher.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyResult.Outcome;
import io.herald.redis.Retention;
import io.herald.engine.apply.ApplyCommand;
import io.herald.dispatcher.consumer.NotificationBatchListener.Sorted;
import io.herald.engine.deadletter.DeadLetter;
import io.herald.dispatcher.metrics.DispatcherMetrics.BatchCounts;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** How a batch's Redis results turn into counts and dead letters (the Redis side is covered by BatchApplierTest). */
class NotificationBatchListenerTest {

    private final List<ConsumerRecord<byte[], byte[]>> sources = IntStream.range(0, 4)
            .mapToObj(i -> new ConsumerRecord<byte[], byte[]>("t", 0, 10 + i, new byte[0], new byte[0])).toList();
    private final List<ApplyCommand> commands = IntStream.range(0, 4)
            .mapToObj(i -> new ApplyCommand(ChannelName.parse("user:" + i), 10 + i, 0, "{}", Retention.DEFAULT)).toList();

    private static ApplyResult result(Outcome outcome) {
        return new ApplyResult(outcome, Position.ofOffset(7), outcome == Outcome.PARTITION_MISMATCH ? 3 : -1);
    }

    @Test
    void countsEachOutcomeAndDeadLettersMismatches() {
        Sorted sorted = NotificationBatchListener.sort(sources, commands, List.of(result(Outcome.APPLIED),
                result(Outcome.DUPLICATE), result(Outcome.PARTITION_MISMATCH), result(Outcome.APPLIED)), record -> false);

        assertThat(sorted.counts()).isEqualTo(new BatchCounts(2, 1, 0, 1, 0));
        assertThat(sorted.letters()).extracting(DeadLetter::reason).containsExactly(DeadLetter.PARTITION_MISMATCH);
        assertThat(sorted.letters().get(0).record()).isSameAs(sources.get(2));
        assertThat(sorted.letters().get(0).message()).contains("partition 3").contains("partition 0");
    }

    @Test
    void aSkippedRecordThatNowLooksLikeADuplicateIsDeadLetteredNotCounted() {
        Sorted sorted = NotificationBatchListener.sort(sources, commands, List.of(result(Outcome.DUPLICATE),
                result(Outcome.DUPLICATE), result(Outcome.APPLIED), result(Outcome.APPLIED)), record -> record.offset() == 10);

        assertThat(sorted.counts()).isEqualTo(new BatchCounts(2, 1, 1, 0, 0));
        assertThat(sorted.letters()).extracting(DeadLetter::reason).containsExactly(DeadLetter.APPLY_GAP);
        assertThat(sorted.letters().get(0).record()).isSameAs(sources.get(0));
    }

    @Test
    void aSkippedRecordThatAppliedAfterAllIsNotDeadLettered() {
        // Redis lost its data between attempts, so the record did make it into the (new) log
        Sorted sorted = NotificationBatchListener.sort(sources, commands, List.of(result(Outcome.APPLIED),
                result(Outcome.APPLIED), result(Outcome.APPLIED), result(Outcome.APPLIED)), record -> record.offset() == 10);

        assertThat(sorted.counts()).isEqualTo(new BatchCounts(4, 0, 0, 0, 0));
        assertThat(sorted.letters()).isEmpty();
    }
}
