package io.herald.client.conformance;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;

/**
 * The JavaScript client (the npm package {@code @herald/client}, clients/js) against the conformance suite, on
 * Node.js 20+ with the {@code ws} package. Needs {@code node} and {@code npm ci} in clients/js: skipped without them
 * on a developer's machine, a failure in CI (env {@code CI}).
 */
class JsClientConformanceIT extends ClientConformance {

    private static final Path LOGS = Path.of("target", "node-clients");
    private String node;

    JsClientConformanceIT(KafkaBroker kafka, RedisServer redis) {
        super(kafka, redis);
    }

    @BeforeAll
    void requireNode() {
        node = "node";
        String version = version(node);
        if (version == null || Integer.parseInt(version.replaceFirst("^v(\\d+).*", "$1")) < 20) {
            unavailable("Node.js 20+ is not on the PATH (found: " + version + ")");
        }
        if (!Files.isDirectory(NodeClientUnderTest.ROOT.resolve("clients/js/node_modules/ws"))) {
            unavailable("the npm package's dependencies are missing: run `npm ci` in clients/js");
        }
    }

    @Override
    protected ClientUnderTest.Factory clients() {
        return config -> new NodeClientUnderTest(node, config, LOGS.resolve(UUID.randomUUID() + ".log"));
    }

    private static void unavailable(String why) {
        if (System.getenv("CI") != null) {
            fail("CI must run the JavaScript client's conformance suite, but " + why);
        }
        abort("skipped: " + why);
    }

    private static String version(String command) {
        try {
            Process process = new ProcessBuilder(List.of(command, "--version")).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes()).trim();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
