package io.herald.ops.dlt;

import io.herald.engine.deadletter.DeadLetterRef;
import io.herald.engine.deadletter.RedriveReport;
import io.herald.engine.deadletter.RedriveRequest;
import io.herald.engine.deadletter.RedriveResult;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.Converters;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.OutputOptions;
import io.herald.ops.cli.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heraldctl dlt redrive}. */
@Command(name = "redrive", mixinStandardHelpOptions = true,
        header = "Send dead letters back through the pipeline, once each.",
        description = "Send dead letters back to the notifications topic (acks=all, idempotent producer): the original key "
                + "and value, or with --value-file a corrected envelope (its channel becomes the key). A dead letter "
                + "still invalid (checked with the dispatcher's envelope limits, --dispatcher-config) is refused, not sent back to the DLT. Each redrive is recorded in Redis and a dead "
                + "letter is redriven once: running the same redrive again reports it as already redriven (--force "
                + "sends it again). Each redriven record is reported as clients will receive it: its notification id and "
                + "its new position (<offset>-1), with the topic's partition and offset.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every dead letter redriven (or already redriven)",
                "1:none could be redriven", "2:usage error", "3:some redriven, some refused or failed (listed)"})
public final class DltRedriveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    /** Exactly one of {@code --all} and {@code --offset}. */
    static final class Selection {
        @Option(names = "--all", description = "Every dead letter not redriven yet.")
        boolean all;

        @Option(names = "--offset", paramLabel = "[PARTITION:]OFFSET", split = ",",
                converter = Converters.DeadLetterRefConverter.class,
                description = "These dead letters; repeat or separate with commas.")
        List<DeadLetterRef> refs;
    }

    @Option(names = "--value-file", paramLabel = "FILE",
            description = "A corrected envelope (JSON) to send instead of the original value; one --offset only.")
    Path valueFile;

    @Option(names = "--force", description = "Send again dead letters already redriven.")
    boolean force;

    @Option(names = "--dry-run", description = "Check and report; send nothing.")
    boolean dryRun;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        RedriveRequest request;
        try {
            byte[] value = valueFile == null ? null : Files.readAllBytes(valueFile);
            request = new RedriveRequest(selection.all, selection.refs, value, force, dryRun);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--value-file " + valueFile + " cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        RedriveReport report;
        try (KafkaAccess kafka = connection.kafka(); RedisAccess redis = connection.redis()) {
            report = DltCommand.deadLetters(kafka, redis, connection.envelopeLimits()).redrive(request);
        }
        output.print(spec.commandLine().getOut(), report, out -> {
            Table table = new Table("DLT", "OUTCOME", "DETAIL");
            for (RedriveResult result : report.results()) {
                table.row(result.ref(), result.outcome().name().toLowerCase().replace('_', '-'), result.detail());
            }
            table.print(out);
            if (report.results().isEmpty()) {
                out.println("nothing to redrive");
            }
        });
        long failed = report.failed();
        if (failed == 0) {
            return ExitCodes.OK;
        }
        return failed == report.results().size() ? ExitCodes.FAILED : ExitCodes.PARTIAL;
    }
}
