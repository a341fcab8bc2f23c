package io.herald.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.kafka.LayoutTopic;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.position.Position;
import io.herald.e2e.support.Frames;
import io.herald.e2e.support.Systems;
import io.herald.e2e.system.HeraldSystem;
import io.herald.ops.Heraldctl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * The notification topic grows from 3 to 6 partitions in place ({@code heraldctl topic grow}, docs/operations.md)
 * under the fault suite's load and audit, with two dispatchers in the group: about half of the channels move to a
 * partition the growth created, the rest stay. Clients live all along must get every notification once and in order;
 * so must clients that went offline before the growth and resume after it, from positions in the old partitions, once
 * Redis lost every channel's log (restarted empty), so that their edge reads their gap from Kafka, across the cut.
 *
 * <p>A system of its own, not the shared one: a growth cannot be undone, and the other fault suites assume the topic's
 * three partitions. Producers and services see the growth within a second (metadata and layout read every 0.5-1 s),
 * as the grace period of 3 s requires: docs/operations.md asks for a grace of at least the producers'
 * {@code metadata.max.age.ms}. Several nodes of a tier, so with {@code -Pmulti-node} ({@link MultiNode}); the default
 * build proves the growth module by module (dispatcher {@code GrowthTest}, edge and engine {@code TopicGrowthIT},
 * ops {@code TopicGrowIT}).
 */
@Tag(MultiNode.TAG)
class TopicGrowthIT {

    private static final String TOPIC = "herald.notifications";
    private static final int BEFORE = 3;
    private static final int AFTER = 6;
    private static final int RATE = 75;
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    private static HeraldSystem system;

    @BeforeAll
    static void start() {
        system = Systems.start("topic-growth", 2, 2, settings -> settings
                .withArgs(HeraldSystem.Service.DISPATCHER, "--spring.kafka.listener.concurrency=1",
                        "--spring.kafka.consumer.properties[metadata.max.age.ms]=1000",
                        "--herald.kafka.layout-refresh=500ms")
                .withArgs(HeraldSystem.Service.INGEST, "--spring.kafka.producer.properties[metadata.max.age.ms]=1000",
                        "--herald.kafka.layout-refresh=500ms")
                .withArgs(HeraldSystem.Service.EDGE, "--herald.edge.recovery.layout-refresh=500ms"));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void growingThePartitionCountUnderLoadLosesRepeatsAndReordersNothingForLiveAndResumingClients() {
        List<String> moved = channels(true);
        List<String> staying = channels(false);
        List<String> channels = Stream.concat(moved.stream(), staying.stream()).toList();
        List<ResumingClient> live = new ArrayList<>();
        List<ResumingClient> resuming = new ArrayList<>();
        Steps steps = new Steps("topic-growth");
        try (LoadDriver load = new LoadDriver(system.ingestUri(), channels, RATE, "topic-growth")) {
            for (int i = 0; i < 6; i++) {
                String user = "grower-" + i;
                ResumingClient client = new ResumingClient("topic-growth-" + i,
                        List.of(Systems.ws(system, i % 2, user), Systems.ws(system, (i + 1) % 2, user)), channels)
                        .start(Duration.ofSeconds(30));
                (i < 3 ? live : resuming).add(client);
            }
            load.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.total() >= RATE);

            resuming.forEach(ResumingClient::goAway);
            int beforeGrowth = load.total();
            Map<String, Integer> atGrowth = load.accepted();
            long growAt = System.nanoTime();
            steps.begin();
            Run grow = heraldctl("topic", "grow", "--partitions", Integer.toString(AFTER), "--grace", "3s",
                    "--wait", "60s", "-o", "json", "--bootstrap-servers", system.kafka().bootstrapServers(),
                    "--topic", TOPIC);
            steps.mark("sealed");
            Map<String, Integer> atSeal = load.accepted();
            long sealedAt = System.nanoTime();
            assertThat(grow.exitCode()).as(grow.toString()).isZero();
            assertThat(grow.json().path("sealed").asBoolean()).as(grow.toString()).isTrue();
            TopicLayout layout = LayoutTopic.read(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    system.kafka().bootstrapServers()), TOPIC, Duration.ofSeconds(10));
            assertThat(layout.sealed()).isTrue();
            assertThat(layout.partitions()).isEqualTo(AFTER);
            assertThat(layout.newest().cuts()).containsOnlyKeys(0, 1, 2);

            int afterSeal = load.total();
            // the moved channels flow again, live, from their new partitions: the growth's pause is over
            await().atMost(Duration.ofSeconds(30)).until(() -> live.stream().allMatch(c -> moved.stream()
                    .allMatch(channel -> positions(c.frames(), channel, 0, Integer.MAX_VALUE).stream()
                            .anyMatch(p -> p.offset() >= TopicLayout.SPAN))));
            steps.mark("moved-channels-live-again");
            Scenario.Gap growthGap = Scenario.Gap.longest(live, growAt);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.total() >= afterSeal + 2 * RATE);
            // Redis loses every channel's log: what the resuming clients missed is in Kafka only, on both sides of the cut
            system.redis().restart();
            steps.mark("redis-restarted-empty");
            int afterRestart = load.total();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.total() >= afterRestart + RATE);
            List<EdgeMetrics> beforeResume = system.edges().stream().map(EdgeMetrics::of).toList();
            resuming.forEach(ResumingClient::comeBack);
            await().atMost(Duration.ofSeconds(30)).until(() -> resuming.stream().allMatch(c -> c.connections() == 2));
            steps.mark("resumed");
            int afterResume = load.total();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.total() >= afterResume + RATE);
            load.close();
            steps.mark("load-stopped");

            Map<String, Integer> accepted = load.accepted();
            List<ResumingClient> clients = Stream.concat(live.stream(), resuming.stream()).toList();
            try {
                await().atMost(CATCH_UP).until(() -> clients.stream()
                        .allMatch(c -> Audit.of(c, accepted).stream().allMatch(Audit::complete)));
            } catch (ConditionTimeoutException e) {
                // fall through: the audit below reports what is missing
            }
            long caughtUpAt = System.nanoTime();
            double resumedFromKafka = 0;
            double resets = 0;
            for (int i = 0; i < system.edges().size(); i++) {
                EdgeMetrics resumes = EdgeMetrics.of(system.edge(i)).since(beforeResume.get(i));
                resumedFromKafka += resumes.resumesKafka();
                resets += resumes.resumesReset();
            }
            long deliveringAt = Scenario.deliveringAgain(live, sealedAt);
            steps.mark("caught-up");
            Scenario.Result result = new Scenario.Result("topic-growth", load.total(), afterSeal - beforeGrowth,
                    load.retries(), clients.stream().mapToInt(c -> c.connections() - 1).sum(),
                    (sealedAt - growAt) / 1_000_000, (caughtUpAt - sealedAt) / 1_000_000,
                    deliveringAt < 0 ? -1 : (deliveringAt - sealedAt) / 1_000_000,
                    Scenario.Gap.longest(live, growAt), Audit.ofAll(clients, accepted));
            result.write();
            steps.print();
            System.out.println("RELIABILITY-NOTE topic-growth moved=" + moved.size() + " staying=" + staying.size()
                    + " cuts=" + layout.newest().cuts() + " longestGapBeforeRedisRestartMs=" + growthGap.millis()
                    + " on=" + growthGap.channel() + " resumedFromKafka=" + resumedFromKafka);

            assertThat(result.faulty()).as("audits with a lost, duplicated or reordered notification or a reset")
                    .isEmpty();
            assertThat(result.delivered()).isEqualTo(result.expected());
            assertThat(resumedFromKafka).as("subscriptions resumed reading Kafka (Redis lost their logs)")
                    .isEqualTo(resuming.size() * channels.size());
            assertThat(resets).isZero();
            for (ResumingClient client : clients) {
                List<String> frames = client.frames();
                for (String channel : moved) {
                    assertThat(positions(frames, channel, 0, atGrowth.get(channel)))
                            .as("%s at %s: positions before the growth", channel, client.name())
                            .isNotEmpty().allMatch(p -> p.offset() < TopicLayout.SPAN);
                    // ingest wrote to the new partitions within a second of their creation, long before the seal
                    assertThat(positions(frames, channel, atSeal.get(channel), Integer.MAX_VALUE))
                            .as("%s at %s: positions after the growth, in a partition it created", channel, client.name())
                            .isNotEmpty().allMatch(p -> p.offset() >= TopicLayout.SPAN);
                }
                for (String channel : staying) {
                    assertThat(positions(frames, channel, 0, Integer.MAX_VALUE)).as("%s at %s", channel, client.name())
                            .allMatch(p -> p.offset() < TopicLayout.SPAN);
                }
            }
        } finally {
            Stream.concat(live.stream(), resuming.stream()).forEach(ResumingClient::close);
        }
    }

    /**
     * Broadcast channels (public: every client may follow them), 3 per old partition that move and 2 that stay, so
     * that every partition is cut with channels leaving it and channels staying.
     */
    private static List<String> channels(boolean moving) {
        List<String> channels = new ArrayList<>();
        for (int partition = 0; partition < BEFORE; partition++) {
            int from = partition;
            IntStream.iterate(0, i -> i + 1).mapToObj(i -> "broadcast:growth-" + i)
                    .filter(c -> DispatcherGroup.partitionOf(c, BEFORE) == from)
                    .filter(c -> (DispatcherGroup.partitionOf(c, AFTER) != from) == moving)
                    .limit(moving ? 3 : 2).forEach(channels::add);
        }
        return channels;
    }

    /** The positions of the channel's messages with a counter in [{@code from}, {@code until}), as the client got them. */
    private static List<Position> positions(List<String> frames, String channel, int from, int until) {
        return Frames.messages(frames, channel).stream().filter(m -> {
            int n = m.path("n").path("data").path("n").asInt();
            return n >= from && n < until;
        }).map(m -> Position.parse(m.path("id").asString())).toList();
    }

    /** Runs heraldctl in this JVM as its {@code main} does (same error handling), capturing what it prints. */
    private static Run heraldctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Heraldctl.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int exitCode, String out, String err) {

        JsonNode json() {
            return Frames.parse(out);
        }

        @Override
        public String toString() {
            return "heraldctl exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }
}
