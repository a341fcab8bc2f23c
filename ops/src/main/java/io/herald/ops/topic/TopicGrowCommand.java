package io.herald.ops.topic;

import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.engine.EngineException;
import io.herald.engine.KafkaAccess;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.DurationConverter;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.OutputOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heraldctl topic grow}. */
@Command(name = "grow", mixinStandardHelpOptions = true,
        header = "Grow the topic's partition count in place, to a larger multiple of it.",
        description = {"Grow the notifications topic and its <topic>.DLT to --partitions, a larger multiple of the "
                + "current count, so that every channel either stays in its partition or moves to a new one. In order: "
                + "create <topic>.layout if missing (compacted, as replicated as the topic); write the growth there with "
                + "its grace period (--grace), before any partition exists, so that no service ever meets a partition "
                + "its layout does not name; add the partitions; then wait until the dispatchers have cut every old "
                + "partition (each does so once the grace period is over, where it got to, in the transaction that "
                + "commits that offset: records of moved channels from there on belong to their new partitions, which "
                + "the dispatchers apply from then on) and print the layout. Positions in the new partitions start at "
                + "generation x 10^15, above every older position.",
                "Safe to run again: a growth not sealed yet (heraldctl stopped, Kafka away, no dispatcher running) is "
                        + "waited for by the same command, with its partition count."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:grown and sealed",
                "1:Kafka unreachable or refused a step, or the dispatchers did not cut within --wait (run the same "
                        + "command again to finish or wait for the growth)",
                "2:usage error (not a larger multiple of the partition count, or another growth to finish)"})
public final class TopicGrowCommand implements Callable<Integer> {

    /** How often the layout is read again while waiting for the dispatchers' cuts. */
    private static final Duration POLL = Duration.ofSeconds(1);

    @Spec
    CommandSpec spec;

    @Option(names = "--partitions", paramLabel = "N", required = true,
            description = "The partition count to grow to: a larger multiple of the current one (3 -> 6, 9, 12...).")
    int partitions;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long producers get to see the new partitions before the dispatchers cut the old ones: "
                    + "at least their metadata.max.age.ms, Kafka's default 5m (default: ${DEFAULT-VALUE}). Records a "
                    + "producer writes to a moved channel's old partition after the cut are moved, not lost, but may "
                    + "then follow its newer records.")
    Duration grace;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "2m", converter = DurationConverter.class,
            description = "How long to wait, after the grace period, for the dispatchers to cut every old partition "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        if (grace.isNegative() || wait.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--grace and --wait must not be negative");
        }
        PrintWriter progress = spec.commandLine().getErr();
        TopicLayout sealed;
        try (KafkaAccess kafka = connection.kafka()) {
            TopicGrowth growth = new TopicGrowth(kafka, connection.kafkaClientConfig());
            TopicLayout layout = growth.layout();
            if (layout.sealed() && layout.newest().number() > 0 && layout.partitions() == partitions) {
                // run again after it finished (or by a second operator): nothing to do, say so
                progress.println("the topic already grew to " + partitions + " partitions");
                LayoutView view = LayoutView.of(layout);
                output.print(spec.commandLine().getOut(), view, view::print);
                return ExitCodes.OK;
            }
            boolean resuming = !layout.sealed();
            TopicLayout grown = grown(layout);
            int actual = growth.partitions();
            if (actual > grown.partitions()) {
                throw new EngineException("topic " + kafka.topic() + " has " + actual + " partitions, its layout names "
                        + grown.partitions() + ": partitions were added without heraldctl topic grow, so positions in"
                        + " them are not defined; nothing was changed");
            }
            if (growth.createLayoutTopic()) {
                progress.println("created " + LayoutTopic.of(kafka.topic()));
            }
            if (resuming) {
                progress.println("finishing the growth to " + partitions + " partitions, not sealed yet");
            } else {
                growth.write(grown);
                progress.println("wrote the growth to " + partitions + " partitions");
            }
            List<String> added = growth.addPartitions(partitions);
            added.forEach(change -> progress.println("added partitions: " + change));
            Instant cutFrom = Instant.ofEpochMilli(grown.newest().sealAfter());
            Instant deadline = cutFrom.plus(wait);
            progress.println("the dispatchers cut partitions 0-" + (before(grown) - 1) + " from "
                    + cutFrom.truncatedTo(ChronoUnit.SECONDS) + " (--grace); waiting for them until "
                    + deadline.truncatedTo(ChronoUnit.SECONDS) + " (--wait)");
            progress.flush();
            sealed = growth.layout();
            while (!sealed.sealed()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new EngineException("the dispatchers cut " + sealed.newest().cuts().keySet() + " of partitions"
                            + " 0-" + (before(grown) - 1) + " by " + deadline + ": is a dispatcher running on "
                            + kafka.topic() + "? The growth is written; run the same command again to wait for it");
                }
                Thread.sleep(POLL.toMillis());
                sealed = growth.layout();
            }
            progress.println("sealed generation " + sealed.newest().number() + ": every old partition is cut");
            progress.flush();
        }
        LayoutView layout = LayoutView.of(sealed);
        output.print(spec.commandLine().getOut(), layout, layout::print);
        return ExitCodes.OK;
    }

    private static int before(TopicLayout grown) {
        return grown.generations().get(grown.newest().number() - 1).partitions();
    }

    /** The growth to wait for: the one not sealed yet, or a new one to {@code --partitions}. */
    private TopicLayout grown(TopicLayout layout) {
        TopicLayout.Generation newest = layout.newest();
        if (!layout.sealed()) {
            if (newest.partitions() != partitions) {
                throw new ParameterException(spec.commandLine(), "--partitions " + partitions + ": a growth of "
                        + layout.topic() + " to " + newest.partitions() + " partitions is not sealed yet; finish it"
                        + " first with heraldctl topic grow --partitions " + newest.partitions());
            }
            return layout;
        }
        int current = newest.partitions();
        if (partitions <= current || partitions % current != 0) {
            throw new ParameterException(spec.commandLine(), "--partitions " + partitions + ": " + layout.topic()
                    + " has " + current + " partitions and grows only to a larger multiple of them (" + 2 * current
                    + ", " + 3 * current + ", " + 4 * current + "...), so that every channel stays or moves to a new"
                    + " partition; nothing was changed");
        }
        return layout.grow(partitions, Instant.now().plus(grace).toEpochMilli());
    }
}
