package io.herald.e2e.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client's unit tests ({@code node --test browser-tests/unit/}, a scripted WebSocket and a
 * manual clock) as part of the Maven build, so that {@code ./mvnw verify} covers the browser client too.
 */
class ClientUnitTest {

    @Test
    void theJavaScriptClientPassesItsUnitTests() throws IOException, InterruptedException {
        String node = BrowserTools.requireNode();
        Process process = new ProcessBuilder(List.of(node, "--test", "--test-reporter=tap", "browser-tests/unit/"))
                .directory(BrowserTools.ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("node --test finished").isTrue();
        assertThat(process.exitValue()).as("node --test exit code; its output:%n%s", output).isZero();
        assertThat(output).containsPattern("(?m)^# pass [1-9]\\d*$").containsPattern("(?m)^# fail 0$");
    }
}
