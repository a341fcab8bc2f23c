package io.herald.ops.topic;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heraldctl topic}: the notifications topic's partitions. */
@Command(name = "topic", mixinStandardHelpOptions = true,
        header = "Grow the notifications topic's partition count; show its layout.",
        description = "Grow the notifications topic (and its <topic>.DLT) in place to a larger multiple of its partition "
                + "count, keeping every position clients hold meaningful, and show the layout the services follow "
                + "(<topic>.layout: each growth's partitions and cuts).",
        subcommands = {TopicGrowCommand.class, TopicLayoutCommand.class})
public final class TopicCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a topic command is required: grow or layout");
    }
}
