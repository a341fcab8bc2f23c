package io.herald.ops.dlt;

import io.herald.engine.deadletter.DeadLetterRef;
import io.herald.engine.deadletter.DeadLetterView;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.Converters;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.OutputOptions;
import io.herald.ops.cli.Table;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code heraldctl dlt show <offset>}. */
@Command(name = "show", mixinStandardHelpOptions = true,
        header = "Show one dead letter in full.",
        description = "Show a dead letter in full: key, value, every header, the reason and where it came from. A bare "
                + "offset shows it in every partition of the dead-letter topic that holds one.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:shown", "1:no such dead letter, or Kafka unreachable",
                "2:usage error"})
public final class DltShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "[PARTITION:]OFFSET", converter = Converters.DeadLetterRefConverter.class,
            description = "The dead letter: <partition>:<offset>, or <offset>.")
    DeadLetterRef ref;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        List<DeadLetterView> found;
        String topic;
        try (KafkaAccess kafka = connection.kafka(); RedisAccess redis = connection.redis()) {
            topic = kafka.deadLetterTopic();
            found = DltCommand.deadLetters(kafka, redis, connection.envelopeLimits()).find(ref);
        }
        if (found.isEmpty()) {
            spec.commandLine().getErr().println("heraldctl dlt show: no dead letter at " + ref + " in " + topic);
            spec.commandLine().getErr().flush();
            return ExitCodes.FAILED;
        }
        output.print(spec.commandLine().getOut(), found, out -> {
            for (DeadLetterView letter : found) {
                Table.pairs(out,
                        "dead letter", topic + " " + letter.ref(),
                        "time", letter.timestamp(),
                        "reason", letter.reason(),
                        "field", letter.field(),
                        "message", letter.message(),
                        "original", letter.originalPartition() + ":" + letter.originalOffset(),
                        "redriven", letter.redriven() == null ? "no" : letter.redriven(),
                        "key", letter.key(),
                        "value", letter.valueBytes() + " bytes");
                out.println(letter.value());
                out.println("headers");
                letter.headers().forEach((k, v) -> out.println("  " + k + ": " + v));
                out.println();
            }
        });
        return ExitCodes.OK;
    }
}
