package io.herald.testkit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.herald.testkit.http.RawHttp;
import io.herald.testkit.proxy.HaProxy.Backend;
import io.herald.testkit.proxy.HaProxy.ServerState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HaProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private final List<FakeNode> nodes = new ArrayList<>();
    private HaProxy proxy;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(HaProxy.installed(), "haproxy is not installed (apt-get install haproxy); .ci/run installs it");
        nodes.add(new FakeNode("node-a"));
        nodes.add(new FakeNode("node-b"));
        proxy = HaProxy.start(nodes.stream().map(FakeNode::backend).toList(),
                new HaProxy.Settings("/health", Duration.ofMillis(200), 1, 1, Duration.ofMinutes(5), Duration.ofSeconds(30)));
        nodes.forEach(node -> proxy.awaitState(node.name, ServerState.UP, WAIT));
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        nodes.forEach(FakeNode::close);
    }

    @Test
    void spreadsRequestsOverHealthyBackendsAndSkipsOneWhoseHealthCheckFails() throws Exception {
        assertThat(namesAnswering(6)).containsExactlyInAnyOrder("node-a", "node-b");

        nodes.get(0).health.set(503);
        proxy.awaitState("node-a", ServerState.DOWN, WAIT);
        assertThat(namesAnswering(6)).containsExactly("node-b");

        nodes.get(0).health.set(200);
        proxy.awaitState("node-a", ServerState.UP, WAIT);
        assertThat(namesAnswering(6)).containsExactlyInAnyOrder("node-a", "node-b");
    }

    @Test
    void aDrainedBackendTakesNoNewRequestsUntilReady() throws Exception {
        proxy.setState("node-b", "drain");
        assertThat(proxy.serverStates()).containsEntry("node-b", ServerState.DRAIN);
        assertThat(namesAnswering(6)).containsExactly("node-a");

        proxy.setState("node-b", "ready");
        proxy.awaitState("node-b", ServerState.UP, WAIT);
        assertThat(namesAnswering(6)).containsExactlyInAnyOrder("node-a", "node-b");
    }

    @Test
    void aKilledProxyRefusesConnectionsAndARestartedOneServesAgain() throws Exception {
        proxy.kill();
        assertThatThrownBy(() -> get()).isInstanceOf(ConnectException.class);

        proxy.restart();
        nodes.forEach(node -> proxy.awaitState(node.name, ServerState.UP, WAIT));
        assertThat(namesAnswering(2)).isNotEmpty();
    }

    @Test
    void anUnknownServerIsRefusedByName() {
        assertThatThrownBy(() -> proxy.setState("node-z", "drain")).hasMessageContaining("node-z");
    }

    @Test
    void theConfigurationKeepsUpgradedConnectionsOpenAndChecksTheHealthPort() {
        String config = HaProxy.config(List.of(new Backend("edge-a", 8081, 9081)), HaProxy.Settings.heraldEdges(), 80, 9999);
        assertThat(config).contains("timeout tunnel 3600000ms", "option redispatch",
                "http-check send meth GET uri /actuator/health/live",
                "server edge-a 127.0.0.1:8081 check port 9081");
    }

    private Set<String> namesAnswering(int requests) throws Exception {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            RawHttp.Response response = get();
            assertThat(response.status()).isEqualTo(200);
            names.add(response.body());
        }
        return names;
    }

    private RawHttp.Response get() throws IOException {
        // a connection of its own each time: the balancer picks a backend per connection
        return RawHttp.exchange(proxy.port(), "GET /name HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(5));
    }

    /** A backend answering its name on one port and its health (a settable status) on another. */
    private static final class FakeNode implements AutoCloseable {
        private final String name;
        private final AtomicInteger health = new AtomicInteger(200);
        private final HttpServer traffic;
        private final HttpServer management;

        FakeNode(String name) throws IOException {
            this.name = name;
            traffic = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            traffic.createContext("/", exchange -> respond(exchange, 200, name));
            management = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            management.createContext("/health", exchange -> respond(exchange, health.get(), "{}"));
            traffic.start();
            management.start();
        }

        Backend backend() {
            return new Backend(name, traffic.getAddress().getPort(), management.getAddress().getPort());
        }

        private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            traffic.stop(0);
            management.stop(0);
        }
    }
}
