package io.herald.dispatcher.apply;

import io.herald.engine.apply.ApplyCommand;
import static io.herald.dispatcher.apply.ApplyGaps.NOT_APPLIED;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.redis.Retention;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyGapsTest {

    private static ApplyCommand command(String channel, long offset) {
        return new ApplyCommand(ChannelName.parse(channel), offset, 0, "{}", Retention.DEFAULT);
    }

    private final List<ApplyCommand> batch = List.of(
            command("user:a", 10), command("user:b", 11), command("user:a", 12), command("user:a", 13));

    @Test
    void anOrderlyBatchHasNoGap() {
        // a applied after 9, then 10 -> 12 -> 13; b after 5
        assertThat(ApplyGaps.find(batch, new long[] {9, 5, 10, 12}).isEmpty()).isTrue();
    }

    @Test
    void failedRecordsWithoutLaterSuccessAreNotSkipped() {
        // a failed run: resending them is safe
        assertThat(ApplyGaps.find(batch, new long[] {9, NOT_APPLIED, NOT_APPLIED, NOT_APPLIED}).isEmpty()).isTrue();
        assertThat(ApplyGaps.find(batch, new long[] {NOT_APPLIED, NOT_APPLIED, NOT_APPLIED, NOT_APPLIED}).isEmpty()).isTrue();
    }

    @Test
    void duplicatesOfRecordsAlreadyPresentAreNotSkipped() {
        // 10 and 12 were already in the log (redelivery); 13 applied after 12
        assertThat(ApplyGaps.find(batch, new long[] {NOT_APPLIED, NOT_APPLIED, NOT_APPLIED, 12}).isEmpty()).isTrue();
    }

    @Test
    void aLaterRecordAppliedBelowAnEarlierOneProvesTheEarlierSkipped() {
        // 10 failed (NOSCRIPT), then 12 applied with prev 9: 10 can never be applied
        assertThat(ApplyGaps.find(batch, new long[] {NOT_APPLIED, 5, 9, 12}).stream().boxed().toList())
                .containsExactly(0);
    }

    @Test
    void everyRecordBetweenTheEvidenceAndItsPrevIsSkipped() {
        // 10 and 12 failed, 13 applied right after 9
        assertThat(ApplyGaps.find(batch, new long[] {NOT_APPLIED, 5, NOT_APPLIED, 9}).stream().boxed().toList())
                .containsExactly(0, 2);
    }

    @Test
    void aFirstRecordAfterEmptyRedisCountsAsPrevNone() {
        // Redis came back empty mid-batch: 12 applied with prev 0-0 while 10 had failed
        assertThat(ApplyGaps.find(batch, new long[] {NOT_APPLIED, NOT_APPLIED, -1, 12}).stream().boxed().toList())
                .containsExactly(0);
    }

    @Test
    void otherChannelsAreNotAffected() {
        assertThat(ApplyGaps.find(batch, new long[] {NOT_APPLIED, NOT_APPLIED, 9, 12}).get(1)).isFalse();
    }
}
