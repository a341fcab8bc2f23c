package io.herald.client.conformance;

import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.process.JavaProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An edge node in a child JVM (the test's class path), so that a scenario can really kill it (SIGKILL): its clients
 * see the connection break with no close frame, as when a machine dies.
 */
final class EdgeProcess implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("Started EdgeApplication");

    private final JavaProcess process;
    private final int port;

    private EdgeProcess(JavaProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static EdgeProcess start(int port, String redisUrl, String kafkaBootstrap, String topic, Path log) {
        JavaProcess process = JavaProcess.mainClass("io.herald.edge.EdgeApplication", JavaProcess.currentClasspath(),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                List.of("--spring.config.name=edge", "--server.port=" + port, "--management.server.port=0",
                        "--spring.data.redis.url=" + redisUrl, "--spring.kafka.bootstrap-servers=" + kafkaBootstrap,
                        "--herald.kafka.topic=" + topic, "--herald.edge.auth.hs256-secret=" + TestTokens.SECRET),
                log);
        process.awaitLine(STARTED, Duration.ofSeconds(90));
        return new EdgeProcess(process, port);
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** SIGKILL: no drain, no close frames. */
    void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.close();
    }
}
