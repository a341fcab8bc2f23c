package io.herald.dispatcher.apply;

import io.herald.engine.apply.ApplyCommand;
import java.util.List;

/**
 * Applies a batch of records to Redis: one primary ({@code GuardedApplier}, around {@link BatchApplier}) or a Redis Cluster
 * ({@link ClusterBatchApplier}). Never throws for Redis trouble; the outcome says what got no answer, and the caller
 * retries the whole batch (the apply script is idempotent per position).
 */
public interface Applier {

    /** Applies every command; a failed outcome means the batch must not count as consumed. */
    BatchOutcome apply(List<ApplyCommand> commands);
}
