package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.RedisKeys;
import io.herald.ops.support.Cli;
import io.herald.ops.support.Herald;
import io.herald.ops.support.Prometheus;
import io.herald.ops.support.SleepingClient;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code heraldctl status} and {@code channel} against a running dispatcher and edge, the commands' help and
 * usage errors, and the Prometheus metrics both services expose after real traffic.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusAndMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path DASHBOARD = Path.of("../deploy/grafana/herald-dashboard.json");

    private Herald herald;
    private Cli cli;

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        herald = Herald.start("status-it", kafka, redis);
        cli = herald.cli();
    }

    @AfterAll
    void stop() {
        herald.close();
    }

    @Test
    void statusShowsLagHealthAndEachEdgesConnectionsAndChannelShowsItsState(@TempDir Path dir) throws IOException {
        String channel = "topic:status";
        List<RecordMetadata> sent = herald.publish(channel, 0, 3);
        herald.awaitApplied();
        try (WsTestClient client = WsTestClient.connect(herald.ws())) {
            client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            client.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);

            Cli.Run status = cli.run("status", "--edge-url", herald.edgeManagementUrl(),
                    "--dispatcher-management-url", herald.dispatcherManagementUrl(),
                    "-o", "json");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            JsonNode report = status.json();
            assertThat(report.path("healthy").asBoolean()).isTrue();
            assertThat(report.at("/pipeline/kafka/up").asBoolean()).isTrue();
            assertThat(report.at("/pipeline/redis/up").asBoolean()).isTrue();
            // one consumer per partition: the dispatcher runs a listener thread for each (dispatcher.yml)
            assertThat(report.at("/pipeline/lag/members").asInt()).isEqualTo(Herald.PARTITIONS);
            assertThat(report.at("/pipeline/lag/partitions")).hasSize(Herald.PARTITIONS);
            assertThat(report.at("/pipeline/lag/total").asLong()).isZero();
            assertThat(report.at("/pipeline/lag/partitions/" + sent.get(0).partition() + "/committed").asLong())
                    .isGreaterThanOrEqualTo(3);
            assertThat(report.at("/dispatcher/status").asString()).isEqualTo("UP");
            assertThat(report.at("/edges/0/status").asString()).isEqualTo("UP");
            assertThat(report.at("/edges/0/connections").asLong()).isEqualTo(1);
            assertThat(report.at("/edges/0/components/pubsub").asString()).isEqualTo("UP");
            assertThat(report.at("/edges/0/components/kafka").asString()).isEqualTo("UP");

            Cli.Run table = cli.run("status", "--edge-url", herald.edgeManagementUrl());
            assertThat(table.exitCode()).isZero();
            assertThat(table.out()).contains("PARTITION").contains("LAG").contains("dead letters: ").contains("healthy");

            Cli.Run info = cli.run("channel", channel, "-o", "json");
            assertThat(info.exitCode()).as(info.toString()).isZero();
            assertThat(info.json().path("last").asString()).isEqualTo(Position.ofOffset(sent.get(2).offset()).toString());
            assertThat(info.json().path("logLength").asLong()).isEqualTo(3);
            assertThat(info.json().path("partition").asInt()).isEqualTo(sent.get(0).partition());
            assertThat(info.json().path("subscriberNodes").asLong()).isEqualTo(1);
            assertThat(info.json().at("/first/type").asString()).isEqualTo("test.event");
            assertThat(info.json().at("/retention/maxLen").asInt()).isEqualTo(1000);

            Path dispatcherConfig = Files.writeString(dir.resolve("dispatcher.yml"), """
                    herald:
                      dispatcher:
                        retention:
                          namespaces:
                            topic:
                              max-len: 50
                              ttl: 2h
                    """);
            Cli.Run infoTable = cli.run("channel", channel, "--dispatcher-config", dispatcherConfig.toString());
            assertThat(infoTable.out()).contains("1 edge node(s)").contains("max 50 entries").contains("PT2H");
        }
    }

    @Test
    void anUnhealthyServiceMakesStatusExitThreeAndSayWhy() {
        Cli.Run status = cli.run("status", "--edge-url", "http://127.0.0.1:1", "-o", "json");
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.json().path("healthy").asBoolean()).isFalse();
        assertThat(status.json().at("/edges/0/status").asString()).isEqualTo("UNREACHABLE");
        assertThat(status.json().path("problems").get(0).asString()).contains("http://127.0.0.1:1");

        Cli.Run noRedis = Cli.raw("status", "--bootstrap-servers", herald.kafka.bootstrapServers(), "--topic", herald.topic,
                "--group", herald.group, "--redis-url", "redis://127.0.0.1:1", "--timeout", "2s");
        assertThat(noRedis.exitCode()).isEqualTo(3);
        assertThat(noRedis.out()).contains("PROBLEMS").contains("redis is down");
    }

    @Test
    void kafkaClientSettingsComeFromTheKafkaConfigFile(@TempDir Path dir) throws Exception {
        // a setting the plaintext test broker cannot satisfy shows that the file reaches heraldctl's Kafka clients
        Path config = dir.resolve("client.properties");
        Files.writeString(config, "security.protocol=SSL\n");
        Cli.Run tls = Cli.raw("status", "--bootstrap-servers", herald.kafka.bootstrapServers(), "--topic", herald.topic,
                "--group", herald.group, "--redis-url", herald.redisServer.url(), "--timeout", "3s",
                "--kafka-config", config.toString());
        assertThat(tls.exitCode()).as(tls.toString()).isEqualTo(3);
        assertThat(tls.out()).contains("kafka is down");

        Cli.Run missing = Cli.raw("status", "--kafka-config", dir.resolve("absent.properties").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--kafka-config");
    }

    @Test
    void heraldctlFindsTheDeploymentInTheDispatchersConfigurationAlone(@TempDir Path dir) throws IOException {
        String channel = "topic:config-only";
        herald.publish(channel, 0, 2);
        herald.awaitApplied();
        // the dispatcher's own keys, as its application.yml has them; nothing restated on the command line
        Path dispatcherConfig = Files.writeString(dir.resolve("application.yml"), """
                spring:
                  kafka:
                    bootstrap-servers: %s
                  data:
                    redis:
                      url: %s
                herald:
                  kafka:
                    topic: %s
                  dispatcher:
                    group-id: %s
                    retention:
                      default:
                        max-len: 20
                """.formatted(herald.kafka.bootstrapServers(), herald.redisServer.url(), herald.topic, herald.group));

        Cli.Run status = Cli.raw("status", "--dispatcher-config", dispatcherConfig.toString(), "-o", "json");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.json().at("/pipeline/lag/group").asString()).isEqualTo(herald.group);
        assertThat(status.json().at("/pipeline/lag/topic").asString()).isEqualTo(herald.topic);
        assertThat(status.json().at("/pipeline/lag/members").asInt()).isEqualTo(Herald.PARTITIONS);

        Cli.Run info = Cli.raw("channel", channel, "--dispatcher-config", dispatcherConfig.toString(), "-o", "json");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.json().path("logLength").asLong()).isEqualTo(2);
        assertThat(info.json().at("/retention/maxLen").asInt()).isEqualTo(20);
    }

    @Test
    void everyCommandHasHelpAndBadInputIsAUsageError(@TempDir Path dir) throws IOException {
        for (String[] command : List.of(new String[] {"--help"}, new String[] {"status", "--help"},
                new String[] {"channel", "--help"}, new String[] {"restore", "--help"}, new String[] {"replay", "--help"},
                new String[] {"dlt", "--help"}, new String[] {"dlt", "list", "--help"}, new String[] {"dlt", "show", "--help"},
                new String[] {"dlt", "redrive", "--help"})) {
            Cli.Run help = Cli.raw(command);
            assertThat(help.exitCode()).as(String.join(" ", command)).isZero();
            assertThat(help.out()).as(String.join(" ", command)).contains("Usage: heraldctl");
        }
        assertThat(Cli.raw("--help").out()).contains("status").contains("restore").contains("Exit codes")
                .contains("3   partly done");
        assertThat(Cli.raw("status", "--help").out()).contains("--output").contains("HERALD_REDIS_URL");
        assertThat(Cli.raw("--version").exitCode()).isZero();

        Cli.Run none = Cli.raw();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("a command is required");
        Cli.Run unknown = Cli.raw("stauts");
        assertThat(unknown.exitCode()).isEqualTo(2);
        Cli.Run badChannel = cli.run("channel", "no-namespace");
        assertThat(badChannel.exitCode()).isEqualTo(2);
        assertThat(badChannel.err()).contains("<namespace>:<name>");
        Cli.Run badOutput = cli.run("status", "-o", "xml");
        assertThat(badOutput.exitCode()).isEqualTo(2);
        Path badConfig = Files.writeString(dir.resolve("dispatcher.yml"), """
                herald.dispatcher.retention.namespaces.user.max-len: ten
                """);
        Cli.Run badRetention = cli.run("channel", "user:x", "--dispatcher-config", badConfig.toString());
        assertThat(badRetention.exitCode()).as(badRetention.toString()).isEqualTo(2);
        assertThat(badRetention.err()).contains("--dispatcher-config").contains("herald.dispatcher.retention");
        Cli.Run missingConfig = cli.run("status", "--dispatcher-config", dir.resolve("absent.yml").toString());
        assertThat(missingConfig.exitCode()).isEqualTo(2);
        assertThat(missingConfig.err()).contains("--dispatcher-config").contains("cannot read");
        Cli.Run badRef = cli.run("dlt", "show", "x:y");
        assertThat(badRef.exitCode()).isEqualTo(2);
        Cli.Run redriveNothing = cli.run("dlt", "redrive");
        assertThat(redriveNothing.exitCode()).isEqualTo(2);
        assertThat(redriveNothing.err()).contains("heraldctl dlt redrive").contains("--all").contains("--offset");
        Cli.Run badRedis = Cli.raw("channel", "user:x", "--redis-url", "redis://:secret@");
        assertThat(badRedis.exitCode()).isEqualTo(2);
        assertThat(badRedis.err()).contains("--redis-url").doesNotContain("secret");
    }

    @Test
    void bothServicesExposeEveryMetricWithSaneValuesAfterTraffic() throws IOException {
        String channel = "user:metrics";
        List<RecordMetadata> first = herald.publish(channel, 0, 5);
        herald.awaitApplied();
        try (WsTestClient live = WsTestClient.connect(herald.ws())) {
            live.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            live.awaitFrame(f -> f.contains("\"subscribed\""), WAIT);
            herald.publish(channel, 5, 20);
            await().atMost(WAIT).until(() -> live.frames().stream().filter(f -> f.contains("\"op\":\"message\"")).count() == 20);
            try (WsTestClient resumed = WsTestClient.connect(herald.ws())) {
                resumed.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\""
                        + Position.ofOffset(first.get(1).offset()) + "\"}");
                await().atMost(WAIT).until(() -> resumed.frames().stream().filter(f -> f.contains("\"op\":\"message\"")).count() == 23);
            }
            herald.send(List.of(herald.record(channel, "{\"not\":\"an envelope\"}")));
            herald.awaitApplied();
            slowConsumer();

            Prometheus edge = Prometheus.scrape(herald.edgeManagementUrl());
            double count = edge.require("herald_edge_delivery_latency_seconds_count");
            assertThat(count).isGreaterThanOrEqualTo(20);
            assertThat(edge.require("herald_edge_delivery_latency_seconds_bucket", "le", "+Inf")).isEqualTo(count);
            assertThat(edge.require("herald_edge_delivery_latency_seconds_bucket", "le", "10.0")).isEqualTo(count);
            assertThat(edge.require("herald_edge_delivery_latency_seconds_bucket", "le", "0.005")).isBetween(0.0, count);
            assertThat(edge.require("herald_edge_delivery_latency_seconds_max")).isBetween(0.0, 10.0);
            assertThat(edge.require("herald_edge_deliveries_total", "kind", "live")).isGreaterThanOrEqualTo(20);
            assertThat(edge.require("herald_edge_deliveries_total", "kind", "history")).isGreaterThanOrEqualTo(23);
            assertThat(edge.require("herald_edge_deliveries_total", "kind", "replay")).isZero();
            assertThat(edge.require("herald_edge_resumes_total", "outcome", "hot")).isGreaterThanOrEqualTo(1);
            assertThat(edge.require("herald_edge_resumes_total", "outcome", "kafka")).isZero();
            assertThat(edge.require("herald_edge_resumes_total", "outcome", "reset")).isZero();
            assertThat(edge.require("herald_edge_gaps_filled_total", "outcome", "kafka")).isZero();
            assertThat(edge.require("herald_edge_sessions")).as("the live client").isEqualTo(1);
            assertThat(edge.require("herald_edge_outbound_queued")).isGreaterThanOrEqualTo(0);
            assertThat(edge.require("herald_edge_sessions_closed_total", "reason", "slow_consumer")).isEqualTo(1);
            assertThat(edge.require("herald_edge_pubsub_messages_total")).isGreaterThanOrEqualTo(20);
            assertThat(edge.require("herald_edge_pubsub_reconnects_total")).isZero();
            assertThat(edge.require("herald_edge_pubsub_canary_age_seconds")).isBetween(0.0, 5.0);

            await().atMost(WAIT).untilAsserted(() -> {
                Prometheus dispatcher = Prometheus.scrape(herald.dispatcherManagementUrl());
                assertThat(dispatcher.require("herald_dispatcher_records_total", "outcome", "applied")).isGreaterThanOrEqualTo(25);
                assertThat(dispatcher.require("herald_dispatcher_records_total", "outcome", "dead_lettered")).isGreaterThanOrEqualTo(1);
                assertThat(dispatcher.require("herald_dispatcher_records_total", "outcome", "duplicate")).isGreaterThanOrEqualTo(0);
                assertThat(dispatcher.require("herald_dispatcher_batch_size_records_count")).isGreaterThanOrEqualTo(1);
                assertThat(dispatcher.require("herald_dispatcher_batch_size_records_sum")).isGreaterThanOrEqualTo(26);
                assertThat(dispatcher.require("herald_dispatcher_batch_size_records_max")).isBetween(1.0, 500.0);
                assertThat(dispatcher.require("herald_dispatcher_batch_apply_seconds_count")).isGreaterThanOrEqualTo(1);
                assertThat(dispatcher.require("herald_dispatcher_redis_available")).isEqualTo(1);
                for (int p = 0; p < Herald.PARTITIONS; p++) {
                    assertThat(dispatcher.require("herald_dispatcher_lag_records", "partition", Integer.toString(p))).isZero();
                }
                assertThat(dispatcher.require("herald_dispatcher_dead_letters_records")).isGreaterThanOrEqualTo(1);
            });

            // every Herald series the Grafana dashboard queries exists
            Prometheus dispatcher = Prometheus.scrape(herald.dispatcherManagementUrl());
            Matcher names = Pattern.compile("herald_[a-z_]+").matcher(Files.readString(DASHBOARD));
            Set<String> queried = new TreeSet<>();
            while (names.find()) {
                queried.add(names.group());
            }
            assertThat(queried).hasSizeGreaterThan(15)
                    .allSatisfy(name -> assertThat(edge.has(name) || dispatcher.has(name)).as(name).isTrue());
        }
    }

    /** A client that stops reading while a channel floods: the edge closes it as a slow consumer. */
    private void slowConsumer() {
        String channel = "topic:flood";
        String padding = "p".repeat(16_000);
        try (SleepingClient sleeper = new SleepingClient(herald.ws(),
                "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}")) {
            await().atMost(WAIT).until(() -> herald.redis.sync().pubsubNumsub(
                    RedisKeys.pubsub(ChannelName.parse(channel))).values()
                    .stream().mapToLong(Long::longValue).sum() == 1);
            // 200 x 16 kB: far more than a 4 kB window and the edge's 64 kB outbound limit hold
            for (int n = 0; n < 200 && herald.edgeCounter("herald.edge.sessions.closed", "reason", "slow_consumer") == 0; n++) {
                herald.send(List.of(herald.record(channel, Herald.envelope("flood-" + n, channel, n)
                        .replace("{\"n\":" + n + "}", "{\"n\":" + n + ",\"pad\":\"" + padding + "\"}"))));
            }
            await().atMost(WAIT).until(() -> herald.edgeCounter("herald.edge.sessions.closed", "reason", "slow_consumer") == 1);
            await().atMost(WAIT).until(() -> Prometheus.scrape(herald.edgeManagementUrl()).require("herald_edge_sessions") == 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
