package io.herald.ops.status;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.kafka.RecordDecoder;
import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.engine.inspect.DispatcherStatus;
import io.herald.engine.inspect.GroupLag;
import io.herald.engine.inspect.PartitionLag;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.DurationConverter;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.Http;
import io.herald.ops.cli.OutputOptions;
import io.herald.ops.cli.Table;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code heraldctl status}: lag per partition, dead letters, Redis and Kafka, the dispatcher and each edge. */
@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Lag per partition, dead letters, Redis, Kafka, the dispatcher and the edges.",
        description = "Show the dispatcher group's lag per partition (committed vs end offsets, read with the admin "
                + "client), the dead letters waiting, Redis and Kafka health, and the health and connections of the "
                + "dispatcher (--dispatcher-management-url) and of each edge (--edge-url), read from their management ports. "
                + "The dispatcher's health also says when it last found Redis emptied (data lost) or replaced (failover): "
                + "such a change is a problem until it is older than --dataset-change-window or acknowledged with "
                + "--ack-dataset-change.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:everything healthy",
                "1:could not run", "2:usage error", "3:something is unhealthy (listed under PROBLEMS)"})
public final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Option(names = "--dataset-change-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a Redis dataset change (data lost, failover) the dispatcher found stays a problem,"
                    + " unless acknowledged (default: the hot history's retention, the dispatcher's"
                    + " herald.dispatcher.retention.default.ttl, 24h unless configured).")
    Duration datasetChangeWindow;

    @Option(names = "--ack-dataset-change", paramLabel = "TIME",
            description = "Acknowledge the dataset change found at TIME (as status prints it, e.g. 2026-12-03T05:40:00Z)"
                    + " once it is handled (runbook: " + DatasetChange.RUNBOOK + "): it and any earlier change are"
                    + " then shown but no longer a problem.")
    Instant acknowledgedDatasetChange;

    @Override
    public Integer call() {
        StatusReport report;
        try (KafkaAccess kafka = connection.kafka(); RedisAccess redis = connection.redis()) {
            DeadLetters letters = new DeadLetters(kafka, redis, new RecordDecoder(new EnvelopeCodec(connection.envelopeLimits())),
                    Clock.systemUTC());
            DispatcherStatus pipeline = DispatcherStatus.read(kafka, redis, letters, connection.group());
            Http http = new Http(connection.timeout, null);
            ServiceHealth dispatcher = connection.dispatcherManagementUrl == null || connection.dispatcherManagementUrl.isBlank()
                    ? null : ServiceHealth.of(http, connection.dispatcherManagementUrl, false);
            List<ServiceHealth> edges = connection.edges().stream().map(url -> ServiceHealth.of(http, url, true)).toList();
            List<String> problems = problems(pipeline, dispatcher, edges);
            datasetProblem(dispatcher, Instant.now()).ifPresent(problems::add);
            report = new StatusReport(pipeline, dispatcher, edges, problems.isEmpty(), problems);
        }
        output.print(spec.commandLine().getOut(), report, out -> table(out, report));
        return report.healthy() ? ExitCodes.OK : ExitCodes.PARTIAL;
    }

    private static List<String> problems(DispatcherStatus pipeline, ServiceHealth dispatcher, List<ServiceHealth> edges) {
        List<String> problems = new ArrayList<>();
        if (!pipeline.kafka().up()) {
            problems.add("kafka is down: " + pipeline.kafka().detail());
        }
        if (!pipeline.redis().up()) {
            problems.add("redis is down: " + pipeline.redis().detail());
        }
        GroupLag lag = pipeline.lag();
        if (lag != null && lag.members() == 0 && lag.total() > 0) {
            problems.add("no dispatcher consumes group " + lag.group() + " and " + lag.total() + " records wait");
        }
        if (dispatcher != null && !dispatcher.up()) {
            problems.add("dispatcher " + dispatcher.url() + " is " + dispatcher.status()
                    + (dispatcher.error() == null ? "" : ": " + dispatcher.error()));
        }
        for (ServiceHealth edge : edges) {
            if (!edge.up()) {
                problems.add("edge " + edge.url() + " is " + edge.status() + (edge.error() == null ? ""
                        : ": " + edge.error()) + (edge.components().isEmpty() ? "" : " " + edge.components()));
            }
        }
        return problems;
    }

    /**
     * A dataset change the dispatcher found is a problem while it is recent and not acknowledged: the dispatcher
     * keeps going by itself, but an emptied Redis lost the hot history the runbook says to restore, and nobody may
     * have looked yet. Once older than the window (by default the hot history's retention, after which a restore
     * has nothing left to refill) or acknowledged, it is only shown.
     */
    private Optional<String> datasetProblem(ServiceHealth dispatcher, Instant now) {
        DatasetChange change = dispatcher == null ? null : dispatcher.datasetChange();
        Duration window = datasetChangeWindow != null ? datasetChangeWindow : connection.retention().defaults().ttl();
        if (change == null || change.at().isBefore(now.minus(window))
                || (acknowledgedDatasetChange != null && !change.at().isAfter(acknowledgedDatasetChange))) {
            return Optional.empty();
        }
        return Optional.of(change.describe() + "; see " + DatasetChange.RUNBOOK
                + ", then acknowledge with --ack-dataset-change " + change.at());
    }

    private static void table(PrintWriter out, StatusReport report) {
        DispatcherStatus pipeline = report.pipeline();
        new Table("COMPONENT", "STATUS", "DETAIL")
                .row("kafka", pipeline.kafka().up() ? "UP" : "DOWN", pipeline.kafka().detail())
                .row("redis", pipeline.redis().up() ? "UP" : "DOWN", pipeline.redis().detail())
                .print(out);
        GroupLag lag = pipeline.lag();
        if (lag != null) {
            out.println();
            out.println("dispatcher group " + lag.group() + " on " + lag.topic() + ": state " + lag.state() + ", "
                    + lag.members() + " member(s), total lag " + lag.total());
            Table partitions = new Table("PARTITION", "COMMITTED", "END", "LAG");
            for (PartitionLag p : lag.partitions()) {
                partitions.row(p.partition(), p.committed(), p.end(), p.lag());
            }
            partitions.print(out);
        }
        if (pipeline.deadLetters() != null) {
            out.println();
            out.println("dead letters: " + pipeline.deadLettersTotal() + " (heraldctl dlt list)");
        }
        if (report.dispatcher() != null || !report.edges().isEmpty()) {
            out.println();
            Table services = new Table("SERVICE", "URL", "STATUS", "CONNECTIONS", "COMPONENTS");
            if (report.dispatcher() != null) {
                services.row("dispatcher", report.dispatcher().url(), report.dispatcher().status(), null,
                        report.dispatcher().components());
            }
            for (ServiceHealth edge : report.edges()) {
                services.row("edge", edge.url(), edge.status(), edge.connections(), edge.components());
            }
            services.print(out);
            DatasetChange change = report.dispatcher() == null ? null : report.dispatcher().datasetChange();
            if (change != null) {
                out.println();
                out.println("redis dataset: " + change.describe() + " (runbook: " + DatasetChange.RUNBOOK + ")");
            }
        }
        out.println();
        if (report.healthy()) {
            out.println("healthy");
        } else {
            out.println("PROBLEMS");
            report.problems().forEach(p -> out.println("- " + p));
        }
    }
}
