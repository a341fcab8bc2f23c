package io.herald.e2e.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.e2e.dev.DemoSettings;
import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.support.FreePort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo page in real headless Chromium against the whole system, as the dev mode runs it (dev tokens, CORS for
 * the page): {@code browser-tests/demo.test.mjs} opens the page, posts notifications through the page's form and
 * as a producer, asks this test to stop the edge (the page sees 1012 and reconnects by itself), posts while it is
 * down, asks to start it again on the same port, and checks from the page's DOM and the client's received IDs that
 * every notification shows exactly once; then an operator replays the channel (the dispatcher's admin API) and the
 * page must count the re-sent notifications as dropped duplicates and say so; at 420 px wide it must not scroll
 * sideways. It also regenerates {@code docs/demo.png} (and {@code docs/demo-narrow.png}).
 *
 * <p>Needs Node.js 20+, Debian's chromium and {@code npm ci} in browser-tests/; skipped without them except in CI.
 */
class DemoPageBrowserIT {

    private static final String STOP_EDGE = "HERALD-TEST stop-edge";
    private static final String START_EDGE = "HERALD-TEST start-edge";
    private static final String ADMIN_TOKEN = randomSecret();
    /** Front ends on localhost, any port (a Spring origin pattern): cross-origin.test.mjs serves one on a free port. */
    private static final String OTHER_ORIGINS = "http://localhost:[*]";
    private static HeraldSystem system;
    private static String node;

    @BeforeAll
    static void start() throws IOException {
        node = BrowserTools.requireNode();
        BrowserTools.requireChromium();
        BrowserTools.requirePlaywright();
        Path work = Files.createTempDirectory(BrowserTools.ROOT.resolve("e2e").resolve("target"), "demo-page-");
        int edgePort = FreePort.pick();
        HeraldSystem.Settings settings = new HeraldSystem.Settings(BrowserTools.ROOT, work, 0, FreePort.pick(),
                FreePort.pick(), List.of(edgePort), "herald.notifications", 3);
        // the admin API, for the operator's replay the page must show
        system = HeraldSystem.start(new DemoSettings(randomSecret(), edgePort).applyTo(settings)
                .withArgs(HeraldSystem.Service.DISPATCHER, "--herald.dispatcher.admin.token=" + ADMIN_TOKEN)
                // a front end of another origin, as README's dev-mode section shows (HERALD_EDGE_ALLOWEDORIGINS)
                .withArgs(HeraldSystem.Service.EDGE, "--herald.edge.allowed-origins=" + OTHER_ORIGINS));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void thePageShowsEveryNotificationExactlyOnceAcrossAnEdgeRestart() throws IOException, InterruptedException {
        String edgeUrl = "http://127.0.0.1:" + system.edge(0).port();
        ProcessBuilder browserTestCommand = new ProcessBuilder(List.of(node, "demo.test.mjs", edgeUrl, system.ingestUri().toString(),
                BrowserTools.ROOT.resolve("docs").resolve("demo.png").toString()))
                .directory(BrowserTools.BROWSER_TESTS.toFile())
                .redirectErrorStream(true);
        browserTestCommand.environment().put("HERALD_ADMIN_URL", "http://127.0.0.1:" + system.dispatcher().port());
        browserTestCommand.environment().put("HERALD_ADMIN_TOKEN", ADMIN_TOKEN);
        Process browserTest = browserTestCommand.start();
        // a hung browser must not hang the build: killing it ends the output and so the loop below
        CompletableFuture.delayedExecutor(5, TimeUnit.MINUTES).execute(browserTest::destroyForcibly);
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(browserTest.getInputStream(), StandardCharsets.UTF_8));
                Writer answers = browserTest.outputWriter(StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                System.out.println(line);
                if (line.equals(STOP_EDGE)) {
                    system.edge(0).stop();
                    answer(answers, "edge-stopped");
                } else if (line.equals(START_EDGE)) {
                    system.edge(0).start();
                    answer(answers, "edge-started");
                }
            }
        } finally {
            if (!browserTest.waitFor(30, TimeUnit.SECONDS)) {
                browserTest.destroyForcibly();
            }
        }
        assertThat(browserTest.exitValue()).as("exit code of browser-tests/demo.test.mjs; its output:%n%s", output).isZero();
        assertThat(output).contains("PASSED");
        assertThat(BrowserTools.ROOT.resolve("docs").resolve("demo.png")).isNotEmptyFile();
    }

    /**
     * Issue 17: a front end on another origin reads /sse once the edge allows its origin, and when refused leaves
     * no token in the browser's console ({@code browser-tests/cross-origin.test.mjs}).
     */
    @Test
    void aFrontEndOnAnotherOriginConnectsWhenAllowedAndARefusalLeavesNoTokenInTheConsole() throws Exception {
        Process browserTest = new ProcessBuilder(List.of(node, "cross-origin.test.mjs",
                "http://127.0.0.1:" + system.edge(0).port(), system.ingestUri().toString()))
                .directory(BrowserTools.BROWSER_TESTS.toFile())
                .redirectErrorStream(true)
                .start();
        CompletableFuture.delayedExecutor(3, TimeUnit.MINUTES).execute(browserTest::destroyForcibly);
        String output = new String(browserTest.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(browserTest.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(browserTest.exitValue()).as("exit code of browser-tests/cross-origin.test.mjs; its output:%n%s", output).isZero();
        assertThat(output).contains("PASSED");
    }

    private static void answer(Writer answers, String line) throws IOException {
        answers.write(line + "\n");
        answers.flush();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
