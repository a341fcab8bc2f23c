package io.herald.ops.restore;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.kafka.RecordDecoder;
import io.herald.engine.apply.CommandDecoder;
import io.herald.engine.Bound;
import io.herald.engine.KafkaAccess;
import io.herald.engine.OffsetRange;
import io.herald.engine.RedisAccess;
import io.herald.engine.restore.RestoreEngine;
import io.herald.engine.restore.RestoreReport;
import io.herald.engine.restore.RestoreRequest;
import io.herald.ops.cli.AdminJobClient;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.Converters;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.OutputOptions;
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
import picocli.CommandLine.Spec;

/** {@code heraldctl restore}: refill the Redis logs from Kafka after Redis lost data. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        header = "Refill the Redis logs from Kafka after Redis lost data.",
        description = "Reapply records from Kafka into the Redis logs, for when Redis lost data. Uses the dispatcher's own "
                + "settings (--dispatcher-config: retention, envelope limits), decoder and positions (Kafka offsets), so it is idempotent: run twice, the second run writes "
                + "nothing. Publishes nothing (live clients do not get old notifications again), merges below a log's "
                + "newest entry when the dispatcher already wrote newer ones, reads Kafka by assignment (the "
                + "dispatcher's consumer group is only read, never joined) and stops at the group's committed offsets "
                + "(newer records are the dispatcher's to apply). Bounded by --rate. See docs/operations.md, \"Redis "
                + "lost data\".",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:restored (or nothing to do)",
                "1:failed (Kafka or Redis unreachable): safe to run again", "2:usage error",
                "3:done, but some records are on another partition than their channel's (listed): the dispatcher dead-lettered them, restore does not write them"})
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

    @Option(names = "--via-dispatcher",
            description = "Run the restore inside the dispatcher through its admin API (needs --dispatcher-url and --admin-token).")
    boolean viaDispatcher;

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
        // the dispatcher's retention and envelope limits, from its configuration (--dispatcher-config)
        CommandDecoder decoder = new CommandDecoder(new RecordDecoder(new EnvelopeCodec(connection.envelopeLimits())),
                connection.retention());
        try (KafkaAccess kafka = connection.kafka(); RedisAccess redis = connection.redis()) {
            return new RestoreEngine(kafka, redis, decoder).run(
                    new RestoreRequest(since, until, channel, dryRun, rate, connection.group()),
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
                "moved", report.moved() + " (on another partition than their channel's: restored from the dispatcher's copy)",
                "channels", report.channels(),
                "records read", report.scanned() + " (" + report.matched() + " selected)");
        if (!report.mismatchedChannels().isEmpty()) {
            out.println();
            out.println("not restored, records on another partition than their channel's (dead letters, partition-mismatch):");
            report.mismatchedChannels().forEach(c -> out.println("- " + c));
        }
    }
}
