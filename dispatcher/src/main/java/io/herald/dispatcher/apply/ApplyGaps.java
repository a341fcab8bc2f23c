package io.herald.dispatcher.apply;

import io.herald.engine.apply.ApplyCommand;
import io.herald.core.channel.ChannelName;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds records that a pipelined apply skipped for good. Commands in a pipeline fail one by one: when an
 * earlier record of a channel fails (NOSCRIPT while another client reloads the script, OOM while memory is
 * freed, ...) and a later record of the same channel succeeds, the channel's last position has moved past the
 * failed one, and resending it can only return "duplicate". The evidence is in the replies: a record applied
 * with {@code prev} below an earlier record's offset proves that earlier record absent from the log, forever.
 */
public final class ApplyGaps {

    /** Marks a command that no attempt applied. */
    public static final long NOT_APPLIED = Long.MAX_VALUE;

    private ApplyGaps() {
    }

    /**
     * @param commands    the batch, in Kafka order
     * @param appliedPrev per command, the lowest {@code prev} offset of any attempt that applied it
     *                    ({@code -1} for {@code 0-0}), or {@link #NOT_APPLIED}
     * @return the indexes of commands that can no longer be applied
     */
    public static BitSet find(List<ApplyCommand> commands, long[] appliedPrev) {
        BitSet skipped = new BitSet();
        Map<ChannelName, Long> lowestLaterPrev = new HashMap<>();
        for (int i = commands.size() - 1; i >= 0; i--) {
            ApplyCommand command = commands.get(i);
            Long later = lowestLaterPrev.get(command.channel());
            if (later != null && later < command.offset()) {
                skipped.set(i);
            }
            if (appliedPrev[i] != NOT_APPLIED) {
                lowestLaterPrev.merge(command.channel(), appliedPrev[i], Math::min);
            }
        }
        return skipped;
    }
}
