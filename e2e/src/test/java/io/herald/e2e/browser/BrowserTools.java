package io.herald.e2e.browser;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node.js and Chromium for the browser-side tests. Where one is missing they are skipped on a developer's machine,
 * but fail in CI (env {@code CI} set), which must install them: {@code apt-get install -y chromium nodejs npm} and
 * {@code npm ci} in {@code browser-tests/}.
 */
final class BrowserTools {

    static final Path ROOT = Path.of(System.getProperty("herald.root", "..")).toAbsolutePath().normalize();
    static final Path BROWSER_TESTS = ROOT.resolve("browser-tests");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));

    private BrowserTools() {
    }

    /** The {@code node} command, when Node.js 20 or later is installed. */
    static String requireNode() {
        String node = "node";
        String version = version(node);
        if (version == null) {
            unavailable("node (Node.js 20+) is not on the PATH");
        }
        int major = Integer.parseInt(version.replaceFirst("^v(\\d+).*", "$1"));
        if (major < 20) {
            unavailable("node " + version + " is too old; the browser tests need Node.js 20+");
        }
        return node;
    }

    static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            unavailable(CHROMIUM + " is missing (Debian/Ubuntu: apt-get install -y chromium)");
        }
    }

    static void requirePlaywright() {
        if (!Files.isDirectory(BROWSER_TESTS.resolve("node_modules").resolve("playwright-core"))) {
            unavailable("playwright-core is not installed: run `npm ci` in " + BROWSER_TESTS);
        }
    }

    static void requireClientPackageDependencies() {
        if (!Files.isDirectory(ROOT.resolve("clients/js/node_modules/typescript"))) {
            unavailable("the npm package's dev dependencies are not installed: run `npm ci` in " + ROOT.resolve("clients/js"));
        }
    }

    private static void unavailable(String why) {
        if (System.getenv("CI") != null) {
            fail("CI must run the browser tests, but " + why);
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
