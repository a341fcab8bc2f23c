package io.herald.e2e.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client's own tests ({@code node --test clients/js/test/}: unit tests with a scripted WebSocket
 * and a manual clock, and the {@code npm pack} test that installs the tarball and type-checks a TypeScript consumer)
 * as part of the Maven build, so that {@code ./mvnw verify} covers the npm package too. Needs {@code npm ci} in
 * clients/js (typescript).
 */
class ClientUnitTest {

    @Test
    void theJavaScriptClientPassesItsUnitTests() throws IOException, InterruptedException {
        String node = BrowserTools.requireNode();
        BrowserTools.requireClientPackageDependencies();
        Process process = new ProcessBuilder(List.of(node, "--test", "--test-reporter=tap", "clients/js/test/"))
                .directory(BrowserTools.ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("node --test finished").isTrue();
        assertThat(process.exitValue()).as("node --test exit code; its output:%n%s", output).isZero();
        assertThat(output).containsPattern("(?m)^# pass [1-9]\\d*$").containsPattern("(?m)^# fail 0$");
    }
}
