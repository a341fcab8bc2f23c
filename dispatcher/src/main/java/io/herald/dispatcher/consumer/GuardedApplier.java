package io.herald.dispatcher.consumer;

import io.herald.dispatcher.apply.Applier;
import io.herald.engine.apply.ApplyCommand;
import io.herald.dispatcher.apply.BatchApplier;
import io.herald.dispatcher.apply.BatchOutcome;
import io.herald.dispatcher.dataset.DatasetChangedException;
import io.herald.dispatcher.redis.RedisAvailability;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies batches to one primary (a URL, or Sentinel) behind the dataset guard: a batch that finds another dataset
 * than the verified one sends nothing; the dataset is first made to hold everything before it
 * ({@link DatasetRepair}), then the batch is applied.
 */
public final class GuardedApplier implements Applier {

    private final BatchApplier applier;
    private final DatasetRepair dataset;
    private final RedisAvailability redis;

    public GuardedApplier(BatchApplier applier, DatasetRepair dataset, RedisAvailability redis) {
        this.applier = applier;
        this.dataset = dataset;
        this.redis = redis;
    }

    @Override
    public BatchOutcome apply(List<ApplyCommand> commands) {
        BatchOutcome outcome = applier.apply(commands);
        if (!(outcome.failure() instanceof DatasetChangedException changed)) {
            return outcome;
        }
        try {
            dataset.repair(changed.seen());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisApplyException("interrupted while repairing the redis dataset", e);
        } catch (RuntimeException e) {
            redis.unavailable(e, "phase=dataset-repair partitions=" + partitions(commands));
            throw new RedisApplyException("the redis dataset could not be verified; the batch will be retried", e);
        }
        return applier.apply(commands);
    }

    private static Set<Integer> partitions(List<ApplyCommand> commands) {
        Set<Integer> partitions = new TreeSet<>();
        commands.forEach(command -> partitions.add(command.partition()));
        return partitions;
    }
}
