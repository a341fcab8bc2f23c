package io.herald.ops.topic;

import io.herald.engine.KafkaAccess;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.OutputOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code heraldctl topic layout}. */
@Command(name = "layout", mixinStandardHelpOptions = true,
        header = "Show how the topic's partition count grew.",
        description = "Show the topic's layout as the services read it from <topic>.layout: per generation its partition "
                + "count, the partitions it created and their base (what their offsets add up to as positions), "
                + "whether it is sealed, and its cuts (per older partition, the offset from which records of the "
                + "channels it moved belong to their new partition). A topic that never grew has generation 0 only.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:shown", "1:Kafka unreachable or no such topic",
                "2:usage error"})
public final class TopicLayoutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        LayoutView layout;
        try (KafkaAccess kafka = connection.kafka()) {
            layout = LayoutView.of(new TopicGrowth(kafka, connection.kafkaClientConfig()).layout());
        }
        output.print(spec.commandLine().getOut(), layout, layout::print);
        return ExitCodes.OK;
    }
}
