package io.herald.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.e2e.support.Ingest;
import io.herald.e2e.support.Systems;
import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.ServiceProcess;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.proxy.HaProxy;
import io.herald.testkit.proxy.HaProxy.ServerState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three edges behind a real HAProxy, clients connecting only through it (docs/operations.md, "Behind a load
 * balancer"): a rolling restart under load, each edge draining its clients with 1012, and an edge killed with
 * SIGKILL. Every client must end with every notification, once and in order, without a reset; the reconnect
 * storm's figures go to target/reliability/balanced/ for docs/reliability.md. Event streams pass through too.
 */
@Tag(MultiNode.TAG)
class BalancedEdgesIT {

    private static final int CLIENTS = 90;
    private static final Duration BACK_IN_ROTATION = Duration.ofSeconds(30);

    private static HeraldSystem system;
    private static HaProxy proxy;

    @BeforeAll
    static void start() {
        assumeTrue(HaProxy.installed(), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        system = Systems.start("balanced", 3);
        proxy = HaProxy.start(system.edges().stream()
                .map(edge -> new HaProxy.Backend(edge.name(), edge.port(), edge.managementPort())).toList(),
                HaProxy.Settings.heraldEdges());
        system.edges().forEach(edge -> proxy.awaitState(edge.name(), ServerState.UP, BACK_IN_ROTATION));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (system != null) {
            system.close();
        }
    }

    /**
     * Each edge in turn gets SIGTERM, drains its clients with 1012, exits, and is started again. The second one is
     * first set to {@code drain} in the balancer, as docs/operations.md recommends: without that step the balancer
     * still sends reconnecting clients to the draining edge until its port closes, and they move twice.
     */
    @Test
    void rollingRestartOfEveryEdgeUnderLoad() {
        ServiceProcess a = system.edge(0);
        ServiceProcess b = system.edge(1);
        ServiceProcess c = system.edge(2);
        List<BalancedScenario.Event> events = List.of(
                new BalancedScenario.Event("SIGTERM " + a.name(), a, a::stop, () -> backInRotation(a)),
                new BalancedScenario.Event("balancer drain, then SIGTERM " + b.name(), b,
                        () -> {
                            proxy.setState(b.name(), "drain");
                            b.stop();
                        },
                        () -> {
                            proxy.setState(b.name(), "ready");
                            backInRotation(b);
                        }),
                new BalancedScenario.Event("SIGTERM " + c.name(), c, c::stop, () -> backInRotation(c)));
        BalancedScenario.Result result = new BalancedScenario(system, proxy, "rolling-restart", CLIENTS).run(events);

        assertClean(result);
        // each edge held clients when it was stopped (the balancer had spread them), and all of them moved
        assertThat(result.storms()).allSatisfy(storm -> assertThat(storm.cutOff()).isPositive());
        assertThat(result.storms().stream().mapToInt(BalancedScenario.Storm::cutOff).sum())
                .as("clients moved by the three drains").isGreaterThanOrEqualTo(CLIENTS);
        assertThat(result.storms().get(1).bounced()).as("clients sent back to an edge the balancer had drained").isZero();
    }

    @Test
    void edgeKilledUnderLoad() {
        ServiceProcess edge = system.edge(1);
        BalancedScenario.Result result = new BalancedScenario(system, proxy, "balanced-edge-kill", CLIENTS).run(List.of(
                new BalancedScenario.Event("SIGKILL " + edge.name(), edge, edge::kill, () -> backInRotation(edge))));

        assertClean(result);
        assertThat(result.storms().get(0).cutOff()).as("the killed edge's clients reconnected").isPositive();
    }

    /** An event stream through the balancer: its events arrive while the response is still open (none buffered). */
    @Test
    void eventStreamsPassThroughTheBalancerUnbuffered() throws Exception {
        String channel = "broadcast:sse-through-proxy";
        URI uri = URI.create("http://127.0.0.1:" + proxy.port() + "/sse?channel=" + channel + "&access_token="
                + new TestTokens(TestTokens.SECRET).token("sse-through-proxy"));
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> response.body().forEach(lines::add), "sse-through-proxy");
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("event: subscribed"));

            String position = new Ingest(system.ingestUri()).post(channel, 0);

            await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(line -> line.startsWith("data: ")
                    && line.contains("\"op\":\"message\"") && line.contains("\"id\":\"" + position + "\"")));
        } finally {
            response.body().close();
        }
    }

    private static void backInRotation(ServiceProcess edge) {
        edge.start();
        proxy.awaitState(edge.name(), ServerState.UP, BACK_IN_ROTATION);
    }

    private static void assertClean(BalancedScenario.Result result) {
        assertThat(result.faulty()).as("audits with a lost, duplicated or reordered notification or a reset").isEmpty();
        assertThat(result.delivered()).isEqualTo(result.expected());
    }
}
