package io.herald.ops.dlt;

import io.herald.engine.deadletter.DeadLetterView;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.OutputOptions;
import io.herald.ops.cli.Table;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heraldctl dlt list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        header = "List the newest dead letters with their reasons.",
        description = "List the newest dead letters, oldest first, with their reason and whether they were redriven.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:listed", "1:Kafka or Redis unreachable", "2:usage error"})
public final class DltListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "How many, newest first taken (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--partition", paramLabel = "P", description = "Only this partition of the dead-letter topic.")
    Integer partition;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        if (limit < 1 || limit > 100_000) {
            throw new ParameterException(spec.commandLine(), "--limit must be between 1 and 100000");
        }
        List<DeadLetterView> letters;
        try (KafkaAccess kafka = connection.kafka(); RedisAccess redis = connection.redis()) {
            letters = DltCommand.deadLetters(kafka, redis, connection.envelopeLimits()).list(limit, partition);
        }
        output.print(spec.commandLine().getOut(), letters, out -> {
            Table table = new Table("DLT", "TIME", "KEY", "REASON", "FIELD", "ORIGINAL", "REDRIVEN", "MESSAGE");
            for (DeadLetterView letter : letters) {
                table.row(letter.ref(), letter.timestamp(), Table.abbreviate(letter.key(), 40), letter.reason(),
                        letter.field(), letter.originalPartition() + ":" + letter.originalOffset(),
                        letter.redriven() == null ? "no" : letter.redriven(), Table.abbreviate(letter.message(), 80));
            }
            table.print(out);
            out.println(letters.size() + " dead letter(s); heraldctl dlt show <partition>:<offset> for one");
        });
        return ExitCodes.OK;
    }
}
