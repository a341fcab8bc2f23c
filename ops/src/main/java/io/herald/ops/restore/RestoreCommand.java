package io.herald.ops.restore;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.kafka.RecordDecoder;
import io.herald.dispatcher.apply.CommandDecoder;
import io.herald.dispatcher.engine.Bound;
import io.herald.dispatcher.engine.KafkaAccess;
import io.herald.dispatcher.engine.OffsetRange;
import io.herald.dispatcher.engine.RedisAccess;
import io.herald.dispatcher.restore.RestoreEngine;
import io.herald.dispatcher.restore.RestoreReport;
import io.herald.dispatcher.restore.RestoreRequest;
import io.herald.ops.cli.AdminJobClient;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.Converters;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.OutputOptions;
import io.herald.ops.cli.RetentionOptions;
import io.herald.ops.cli.Table;
import io.herald.ops.cli.TerminalProgress;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heraldctl restore}: refill the Redis logs from Kafka after Redis lost data. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        header = "Refill the Redis logs from Kafka after Redis lost data.",
        description = "Reapply records from Kafka into the Redis logs, for when Redis lost data. Uses the dispatcher's own "
                + "decoder and positions (Kafka offsets), so it is idempotent: run twice, the second run writes "
                + "nothing. Publishes nothing (live clients do not get old notifications again), merges below a log's "
                + "newest entry when the dispatcher already wrote newer ones, reads Kafka by assignment (the "
                + "dispatcher's consumer group is only read, never joined) and stops at the group's committed offsets "
                + "(newer records are the dispatcher's to apply). Bounded by --rate. See docs/operations.md, \"Redis "
                + "lost data\".",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:restored (or nothing to do)",
                "1:failed (Kafka or Redis unreachable): safe to run again", "2:usage error",
                "3:partly done: some channels' meta names another partition (listed)"})
public final class RestoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--since", required = true, paramLabel = "TIME|OFFSET", converter = Converters.BoundConverter.class,
            description = "Start of the window: an ISO-8601 time with zone (2025-11-28T10:00:00Z), a duration before now (24h, PT24H) or a Kafka offset.")
    Bound since;

    @Option(names = "--until", paramLabel = "TIME|OFFSET", converter = Converters.BoundConverter.class,
            description = "End of the window, exclusive (same forms). Default: what the dispatcher has applied.")
    Bound until;

    @Option(names = "--channel", paramLabel = "CHANNEL", converter = Converters.ChannelConverter.class,
            description = "Restore this channel only (its partition alone is read).")
    ChannelName channel;

    @Option(names = "--dry-run", description = "Count what would be written; write nothing.")
    boolean dryRun;

    @Option(names = "--rate", paramLabel = "N[/s]", defaultValue = "5000", converter = Converters.RateConverter.class,
            description = "Records written per second at most; 0 for no limit (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--max-data-bytes", paramLabel = "BYTES", defaultValue = "65536",
            description = "The dispatcher's herald.envelope.max-data-bytes: larger records are dead letters, not restored (default: ${DEFAULT-VALUE}).")
    int maxDataBytes;

    @Option(names = "--via-dispatcher",
            description = "Run the restore inside the dispatcher through its admin API (needs --dispatcher-url and --admin-token); it then uses its own retention settings.")
    boolean viaDispatcher;

    @Mixin
    RetentionOptions retention;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        RestoreReport report = viaDispatcher ? viaDispatcher() : direct();
        output.print(spec.commandLine().getOut(), report, out -> table(out, report));
        return report.partial() ? ExitCodes.PARTIAL : ExitCodes.OK;
    }

    private RestoreReport direct() throws InterruptedException {
        EnvelopeLimits limits;
        try {
            limits = new EnvelopeLimits(maxDataBytes);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--max-data-bytes: " + e.getMessage());
        }
        CommandDecoder decoder = new CommandDecoder(new RecordDecoder(new EnvelopeCodec(limits)), retention.policy(spec));
        try (KafkaAccess kafka = connection.kafka(); RedisAccess redis = connection.redis()) {
            return new RestoreEngine(kafka, redis, decoder).run(
                    new RestoreRequest(since, until, channel, dryRun, rate, connection.group),
                    TerminalProgress.forTerminal(dryRun ? "restore (dry run)" : "restore"));
        }
    }

    private RestoreReport viaDispatcher() throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", AdminJobClient.text(since));
        body.put("until", AdminJobClient.text(until));
        body.put("channel", channel == null ? null : channel.value());
        body.put("dryRun", dryRun);
        body.put("rate", rate);
        return OutputOptions.mapper().treeToValue(AdminJobClient.of(spec, connection).run("/admin/restore", body,
                TerminalProgress.forTerminal("restore")), RestoreReport.class);
    }

    private static void table(PrintWriter out, RestoreReport report) {
        Table ranges = new Table("PARTITION", "FROM", "TO", "OFFSETS", "NOTE");
        for (OffsetRange range : report.ranges()) {
            ranges.row(range.partition(), range.from(), range.to(), range.size(), range.note());
        }
        ranges.print(out);
        out.println();
        Table.pairs(out,
                report.dryRun() ? "would restore" : "restored", report.restored() + " entries",
                "already present", report.present(),
                "repaired", report.repaired() + " (entries whose prev was corrected)",
                "trimmed", report.trimmed() + " (older than the newest MAXLEN of their log)",
                "invalid", report.invalid() + " (dead letters, skipped)",
                "partition mismatch", report.mismatched(),
                "channels", report.channels(),
                "records read", report.scanned() + " (" + report.matched() + " selected)");
        if (!report.mismatchedChannels().isEmpty()) {
            out.println();
            out.println("not restored, the channel's meta names another partition (was the topic repartitioned?):");
            report.mismatchedChannels().forEach(c -> out.println("- " + c));
        }
    }
}
