package io.herald.e2e.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./herald-dev} as a person runs it, on a machine without Redis (a {@code PATH} that hides
 * {@code redis-server}): it takes the binary from a Maven artifact, keeps the edge's secret off every command line,
 * stops and starts the edge when told to in its terminal, says so when a service dies, and stops on SIGTERM.
 * Uses the dev mode's fixed ports (8080-8082, 9080-9082, 9092) and what the build made (HERALD_DEV_NO_BUILD).
 */
class DevModeIT {

    private static final Path ROOT = Path.of(System.getProperty("herald.root", "..")).toAbsolutePath().normalize();
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration STEP = Duration.ofSeconds(60);

    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process devMode;

    @AfterEach
    void stop() throws InterruptedException {
        // (the links' directory stays in e2e/target: deleting it would need a walk that must not follow the links)
        if (devMode != null && devMode.isAlive()) {
            devMode.destroy(); // SIGTERM: the dev mode stops its services in order
            if (!devMode.waitFor(90, TimeUnit.SECONDS)) {
                devMode.descendants().forEach(ProcessHandle::destroyForcibly);
                devMode.destroyForcibly();
            }
        }
    }

    @Test
    void runsWithOnlyAJdkStopsAndStartsTheEdgeOnCommandAndSaysWhenAServiceDies(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("work");
        // not under @TempDir, whose clean-up warns about every link to a file outside it
        Path programs = Files.createTempDirectory(ROOT.resolve("e2e").resolve("target"), "path-without-redis-");
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("herald-dev").toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true);
        builder.environment().put("PATH", pathWithoutRedis(programs));
        builder.environment().put("HERALD_DEV_DIR", work.toString());
        builder.environment().put("HERALD_DEV_NO_BUILD", "1");
        devMode = builder.start();
        Thread reader = new Thread(this::readOutput, "dev-mode-output");
        reader.setDaemon(true);
        reader.start();

        awaitLine("Herald is running", START);
        assertThat(output).anyMatch(line -> line.startsWith("redis-server " + work.resolve("bin").resolve("redis-server"))
                && line.contains("embedded-redis"));

        String secret = Files.readString(work.resolve("dev-secret")).trim();
        List<ProcessHandle> children = devMode.descendants().toList();
        assertThat(children).hasSizeGreaterThanOrEqualTo(5); // Kafka, Redis, dispatcher, ingest, edge
        for (ProcessHandle child : children) {
            assertThat(commandLine(child)).as("command line of pid %d", child.pid()).doesNotContain(secret);
        }
        assertThat(post()).as("ingest takes a notification; the dispatcher writes it to the bundled Redis").isEqualTo(202);

        try (Writer terminal = devMode.outputWriter(StandardCharsets.UTF_8)) {
            type(terminal, "stop edge");
            awaitLine("edge-a stopped", STEP);
            assertThat(listening(8081)).isFalse();
            type(terminal, "start edge");
            awaitLine("edge-a started on 127.0.0.1:8081", STEP);
            assertThat(listening(8081)).isTrue();
            assertThat(output).noneMatch(line -> line.contains("exited unexpectedly"));

            ProcessHandle ingest = children.stream().filter(p -> commandLine(p).contains("herald-ingest-")).findFirst().orElseThrow();
            ingest.destroyForcibly();
            awaitLine("ingest exited unexpectedly (exit code 137)", STEP);
            assertThat(output.stream().filter(line -> line.contains("exited unexpectedly"))).hasSize(1);
        }

        devMode.destroy();
        assertThat(devMode.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(devMode.exitValue()).as("exit code after SIGTERM").isZero();
        assertThat(children).noneMatch(ProcessHandle::isAlive);
    }

    private void readOutput() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(devMode.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[herald-dev] " + line);
                output.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private void awaitLine(String text, Duration timeout) {
        await(text).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .failFast("herald-dev exited; its output:\n" + String.join("\n", output), () -> !devMode.isAlive()
                        && output.stream().noneMatch(line -> line.contains(text)))
                .until(() -> output.stream().anyMatch(line -> line.contains(text)));
    }

    private static void type(Writer terminal, String command) throws IOException {
        terminal.write(command + "\n");
        terminal.flush();
    }

    /** A directory of links to every program on this PATH except Redis's, as on a machine with only a JDK. */
    private static String pathWithoutRedis(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String entry : System.getenv("PATH").split(":")) {
            Path bin = Path.of(entry);
            if (!Files.isDirectory(bin)) {
                continue;
            }
            try (Stream<Path> programs = Files.list(bin)) {
                for (Path program : programs.toList()) {
                    Path link = dir.resolve(program.getFileName().toString());
                    if (!program.getFileName().toString().startsWith("redis") && Files.isExecutable(program)
                            && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, program);
                    }
                }
            }
        }
        return dir.toString();
    }

    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return process.info().commandLine().orElse(""); // gone meanwhile, or not Linux
        }
    }

    private static int post() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/v1/notifications"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"user:42\",\"type\":\"t\",\"data\":{}}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
