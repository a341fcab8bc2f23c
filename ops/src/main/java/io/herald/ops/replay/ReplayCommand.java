package io.herald.ops.replay;

import io.herald.core.channel.ChannelName;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.kafka.RecordDecoder;
import io.herald.engine.Bound;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.engine.replay.ReplayEngine;
import io.herald.engine.replay.ReplayReport;
import io.herald.engine.replay.ReplayRequest;
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
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heraldctl replay}: send a channel's notifications of a time window again to its live subscribers. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        header = "Send a window of a channel's notifications again to its live subscribers.",
        description = "Send again, to the live subscribers of a channel, what the channel had in a window: read from Kafka "
                + "and published flagged as a replay. Edges deliver each as a message frame with \"replay\":true to "
                + "every subscriber of the channel, without moving anyone's position; clients drop IDs they already "
                + "have. The Redis logs are not touched. --dry-run reports what would be sent and sends nothing.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:replayed (or dry run done)",
                "1:failed (Kafka or Redis unreachable)", "2:usage error"})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Exactly one of {@code --channel} and {@code --user}. */
    static final class Target {
        @Option(names = "--channel", paramLabel = "CHANNEL", converter = Converters.ChannelConverter.class,
                description = "The channel, <namespace>:<name>.")
        ChannelName channel;

        @Option(names = "--user", paramLabel = "ID", description = "A user's channel: user:<ID>.")
        String user;
    }

    @Option(names = "--since", required = true, paramLabel = "TIME|OFFSET", converter = Converters.BoundConverter.class,
            description = "Start of the window: an ISO-8601 time with zone, a duration before now (30m, PT30M) or a "
                    + "position's offset in the channel (its partition's offset; plus the partition's base once the "
                    + "topic grew, see heraldctl topic layout).")
    Bound since;

    @Option(names = "--until", paramLabel = "TIME|OFFSET", converter = Converters.BoundConverter.class,
            description = "End of the window, exclusive (same forms). Default: now.")
    Bound until;

    @Option(names = "--dry-run", description = "Report what would be sent; send nothing.")
    boolean dryRun;

    @Option(names = "--rate", paramLabel = "N[/s]", defaultValue = "5000", converter = Converters.RateConverter.class,
            description = "Messages published per second at most; 0 for no limit (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--via-dispatcher",
            description = "Run the replay inside the dispatcher through its admin API (needs --dispatcher-url and --admin-token).")
    boolean viaDispatcher;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws InterruptedException {
        ChannelName channel = channel();
        ReplayReport report;
        if (viaDispatcher) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("channel", channel.value());
            body.put("since", AdminJobClient.text(since));
            body.put("until", AdminJobClient.text(until));
            body.put("dryRun", dryRun);
            body.put("rate", rate);
            report = OutputOptions.mapper().treeToValue(AdminJobClient.of(spec, connection).run("/admin/replay", body,
                    TerminalProgress.forTerminal("replay")), ReplayReport.class);
        } else {
            try (KafkaAccess kafka = connection.kafka(); RedisAccess redis = connection.redis()) {
                report = new ReplayEngine(kafka, redis, new RecordDecoder(new EnvelopeCodec(connection.envelopeLimits())))
                        .run(new ReplayRequest(channel, since, until, dryRun, rate),
                        TerminalProgress.forTerminal(dryRun ? "replay (dry run)" : "replay"));
            }
        }
        ReplayReport shown = report;
        output.print(spec.commandLine().getOut(), report, out -> table(out, shown));
        return ExitCodes.OK;
    }

    private ChannelName channel() {
        if (target.channel != null) {
            return target.channel;
        }
        try {
            return ChannelName.parse("user:" + target.user);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--user: " + e.getMessage());
        }
    }

    private static void table(PrintWriter out, ReplayReport report) {
        Table.pairs(out,
                "channel", report.channel(),
                "partitions", report.ranges().stream().map(range -> range.partition() + " offsets " + range.from()
                        + " to " + range.to() + " (exclusive)").collect(Collectors.joining("; ")),
                report.dryRun() ? "would replay" : "replayed", report.published() + " notification(s)"
                        + (report.firstId() == null ? "" : ", " + report.firstId() + " to " + report.lastId()),
                "skipped", report.invalid() + " (dead letters), " + report.expired() + " (expired)",
                "reached", report.dryRun() ? "- (dry run: nothing sent)" : report.receivers()
                        + " pub/sub connection(s): edge nodes subscribed to the channel, not clients",
                "records read", report.scanned() + " (" + report.matched() + " of the channel)");
    }
}
