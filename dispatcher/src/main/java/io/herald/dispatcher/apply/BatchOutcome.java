package io.herald.dispatcher.apply;

import io.herald.engine.apply.ApplyCommand;
import io.herald.redis.ApplyResult;
import java.util.BitSet;
import java.util.List;

/**
 * What Redis did with a batch of {@link ApplyCommand}s.
 *
 * @param results one per command, in order; {@code null} where no attempt got an answer
 * @param skipped indexes of commands that Redis will never apply: a later record of the same channel was
 *                applied while they failed (see {@link ApplyGaps}); they must be dead-lettered, not dropped
 * @param failure why some command has no result, or {@code null} when every command has one
 */
public record BatchOutcome(List<ApplyResult> results, BitSet skipped, Throwable failure) {

    public boolean succeeded() {
        return failure == null;
    }
}
