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
import java.util.Locale;
import java.util.Map;
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
                + "create <topic>.layout if missing (compacted, as replicated as the topic); write the growth there, "
                + "not sealed, before any partition exists, so that no service ever meets a partition its layout does "
                + "not name; add the partitions; wait --grace, for every producer to have seen them; then seal the "
                + "growth at the old partitions' end offsets (the cuts) and print the layout. Positions in the new "
                + "partitions start at generation x 10^15, above every older position.",
                "Safe to run again: a growth not sealed yet (heraldctl stopped, Kafka away) is finished by the same "
                        + "command, with its partition count."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:grown and sealed",
                "1:Kafka unreachable or refused a step (run the same command again to finish the growth)",
                "2:usage error (not a larger multiple of the partition count, or another growth to finish)"})
public final class TopicGrowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--partitions", paramLabel = "N", required = true,
            description = "The partition count to grow to: a larger multiple of the current one (3 -> 6, 9, 12...).")
    int partitions;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long producers get to see the new partitions before the growth is sealed: at least their"
                    + " metadata.max.age.ms, Kafka's default 5m (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        if (grace.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--grace must not be negative");
        }
        PrintWriter progress = spec.commandLine().getErr();
        TopicLayout sealed;
        try (KafkaAccess kafka = connection.kafka()) {
            TopicGrowth growth = new TopicGrowth(kafka, connection.kafkaClientConfig());
            TopicLayout layout = growth.layout();
            boolean resuming = !layout.newest().sealed();
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
                progress.println("wrote the growth to " + partitions + " partitions, not sealed yet");
            }
            List<String> added = growth.addPartitions(partitions);
            added.forEach(change -> progress.println("added partitions: " + change));
            Instant sealAt = Instant.now().plus(grace).truncatedTo(ChronoUnit.SECONDS);
            progress.println("waiting " + grace.toString().substring(2).toLowerCase(Locale.ROOT) + " (--grace) for"
                    + " every producer to see " + partitions + " partitions; sealing at " + sealAt);
            progress.flush();
            Thread.sleep(grace.toMillis());
            int before = grown.generations().get(grown.newest().number() - 1).partitions();
            Map<Integer, Long> cuts = growth.ends(before);
            sealed = grown.seal(cuts);
            growth.write(sealed);
            progress.println("sealed generation " + sealed.newest().number() + " at the end offsets of partitions 0-"
                    + (before - 1));
            progress.flush();
        }
        LayoutView layout = LayoutView.of(sealed);
        output.print(spec.commandLine().getOut(), layout, layout::print);
        return ExitCodes.OK;
    }

    /** The growth to seal: the one not sealed yet, or a new one to {@code --partitions}. */
    private TopicLayout grown(TopicLayout layout) {
        TopicLayout.Generation newest = layout.newest();
        if (!newest.sealed()) {
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
        return layout.grow(partitions);
    }
}
