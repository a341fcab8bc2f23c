package io.herald.ops.status;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.kafka.RecordDecoder;
import io.herald.dispatcher.dlt.DeadLetters;
import io.herald.dispatcher.engine.KafkaAccess;
import io.herald.dispatcher.engine.RedisAccess;
import io.herald.dispatcher.inspect.DispatcherStatus;
import io.herald.dispatcher.inspect.GroupLag;
import io.herald.dispatcher.inspect.PartitionLag;
import io.herald.ops.cli.ConnectionOptions;
import io.herald.ops.cli.ExitCodes;
import io.herald.ops.cli.Http;
import io.herald.ops.cli.OutputOptions;
import io.herald.ops.cli.Table;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code heraldctl status}: lag per partition, dead letters, Redis and Kafka, the dispatcher and each edge. */
@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Lag per partition, dead letters, Redis, Kafka, the dispatcher and the edges.",
        description = "Show the dispatcher group's lag per partition (committed vs end offsets, read with the admin "
                + "client), the dead letters waiting, Redis and Kafka health, and the health and connections of the "
                + "dispatcher (--dispatcher-url) and of each edge (--edge-url, from its actuator).",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:everything healthy",
                "1:could not run", "2:usage error", "3:something is unhealthy (listed under PROBLEMS)"})
public final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        StatusReport report;
        try (KafkaAccess kafka = connection.kafka(); RedisAccess redis = connection.redis()) {
            DeadLetters letters = new DeadLetters(kafka, redis, new RecordDecoder(new EnvelopeCodec(EnvelopeLimits.DEFAULTS)),
                    Clock.systemUTC());
            DispatcherStatus pipeline = DispatcherStatus.read(kafka, redis, letters, connection.group);
            Http http = new Http(connection.timeout, null);
            ServiceHealth dispatcher = connection.dispatcherUrl == null || connection.dispatcherUrl.isBlank()
                    ? null : ServiceHealth.of(http, connection.dispatcherUrl, false);
            List<ServiceHealth> edges = connection.edges().stream().map(url -> ServiceHealth.of(http, url, true)).toList();
            List<String> problems = problems(pipeline, dispatcher, edges);
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
