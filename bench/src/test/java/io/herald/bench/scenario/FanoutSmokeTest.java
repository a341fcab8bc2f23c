package io.herald.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.cli.Options;
import io.herald.bench.report.Result;
import io.herald.edge.EdgeApplication;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The generator against a real edge (in this JVM), a real redis-server and a real Kafka broker (a subscribe without a
 * position starts at the channel's end, which Kafka knows when Redis has no meta yet), for a second per scenario:
 * proves that it speaks the protocol, publishes through the apply script and counts every delivery. Load runs are
 * bench/run.sh's.
 */
@WithKafka
class FanoutSmokeTest {

    private static RedisServer redis;
    private static ConfigurableApplicationContext edge;
    private static String url;

    @BeforeAll
    static void start(KafkaBroker kafka) {
        kafka.createTopic("herald.notifications", 1);
        redis = RedisServer.start();
        edge = new SpringApplicationBuilder(EdgeApplication.class).properties("spring.config.name=edge")
                .run("--server.port=0", "--management.server.port=-1", "--server.address=127.0.0.1",
                        "--spring.data.redis.url=" + redis.url(),
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--herald.edge.auth.enabled=false");
        url = "ws://127.0.0.1:" + edge.getEnvironment().getProperty("local.server.port") + "/ws";
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void everyMessageOfEachUserChannelReachesItsClientOnce(@TempDir Path out) throws Exception {
        Result result = FanoutScenario.run(options(out, "--channels", "user", "--clients", "20", "--rate", "100"));

        assertThat(result.get("connected")).isEqualTo(20);
        assertThat(result.get("expected")).isEqualTo(100L);
        assertThat(result.get("delivered")).isEqualTo(100L);
        assertThat(result.get("lost")).isEqualTo(0L);
        assertThat(result.get("dups")).isEqualTo(0L);
        assertThat(result.get("misrouted")).isEqualTo(0L);
        assertThat(result.get("problems")).isEqualTo(0L);
        assertThat(result.get("latencySamples")).isEqualTo(100L);
        assertThat(Files.readString(out.resolve("results.jsonl"))).contains("\"scenario\":\"fanout\"", "\"lost\":0");
        assertThat(Files.readAllLines(out.resolve("fanout.csv"))).hasSize(2);
    }

    @Test
    void aBroadcastReachesEveryClient(@TempDir Path out) throws Exception {
        Result result = FanoutScenario.run(options(out, "--channels", "broadcast", "--clients", "10", "--rate", "20"));

        assertThat(result.get("expected")).isEqualTo(200L);
        assertThat(result.get("delivered")).isEqualTo(200L);
        assertThat(result.get("dups")).isEqualTo(0L);
    }

    private static Options options(Path out, String... scenario) {
        String[] common = {"--target", "herald", "--url", url, "--redis", redis.url(), "--seconds", "1",
                "--idle", "3", "--drain", "10", "--out", out.toString()};
        String[] all = new String[common.length + scenario.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(scenario, 0, all, common.length, scenario.length);
        return new Options(all, 0);
    }
}
