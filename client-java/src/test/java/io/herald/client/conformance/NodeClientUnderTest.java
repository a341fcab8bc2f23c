package io.herald.client.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JavaScript client (clients/js, the npm package's source) under the conformance scenarios: a Node.js child
 * process running {@code clients/js/conformance/driver.mjs}, driven with JSON lines on its stdin and reporting what
 * the application saw as JSON lines on its stdout. Its {@code getToken} asks this side, so both clients get their
 * tokens from the same {@link io.herald.client.TokenSupplier}. On Node 20 the client finds the {@code ws} package
 * itself (clients/js's dev dependency), which is what an application on Node gets.
 */
final class NodeClientUnderTest implements ClientUnderTest {

    static final Path ROOT = Path.of(System.getProperty("herald.root", "..")).toAbsolutePath().normalize();
    static final Path DRIVER = ROOT.resolve("clients/js/conformance/driver.mjs");

    private final ObjectMapper json = JsonMapper.builder().build();
    private final ClientConfig config;
    private final Observed observed = new Observed();
    private final Map<String, String> positions = new ConcurrentHashMap<>();
    private final Process process;
    private final OutputStream stdin;
    private final Thread reader;
    private final ExecutorService tokenThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "node-client-tokens");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> stdout = new ArrayList<>();
    private volatile String state = "idle";
    private volatile boolean blocked;

    NodeClientUnderTest(String node, ClientConfig config, Path log) {
        this.config = config;
        try {
            Files.createDirectories(log.getParent());
            this.process = new ProcessBuilder(List.of(node, DRIVER.toString()))
                    .directory(ROOT.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.stdin = process.getOutputStream();
        this.reader = new Thread(this::readEvents, "node-client-events");
        reader.setDaemon(true);
        reader.start();

        ObjectNode start = command("start");
        config.edges().forEach(edge -> start.withArray("urls").add(edge.toString()));
        ObjectNode known = start.putObject("positions");
        config.positions().forEach(known::put);
        start.put("initialDelayMs", ClientConfig.INITIAL_BACKOFF.toMillis());
        start.put("maxDelayMs", ClientConfig.MAX_BACKOFF.toMillis());
        if (config.handshakeTimeout() != null) {
            start.put("handshakeTimeoutMs", config.handshakeTimeout().toMillis());
        }
        if (config.refreshBefore() != null) {
            start.put("refreshBeforeMs", config.refreshBefore().toMillis());
        }
        if (!config.ownSilenceDetection()) {
            start.put("pingIntervalMs", 300_000).put("pongTimeoutMs", 60_000);
        }
        if (config.blockOn() != null) {
            start.putObject("blockOn").put("channel", config.blockOn().channel()).put("n", config.blockOn().n());
        }
        send(start);
    }

    private void readEvents() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (stdout) {
                    stdout.add(line);
                }
                onEvent(json.readTree(line));
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private void onEvent(JsonNode event) {
        String channel = event.path("channel").asString(null);
        switch (event.path("ev").asString()) {
            case "ready" -> {
                // the client exists; commands sent meanwhile were queued on its stdin anyway
            }
            case "message" -> observed.message(channel, event.path("n").asInt(), event.path("position").asString());
            case "position" -> {
                if (!event.path("position").isNull()) {
                    positions.put(channel, event.path("position").asString());
                }
            }
            case "reset" -> observed.reset(channel, event.path("reason").asString());
            case "channel-error" -> observed.channelError(channel, event.path("code").asString());
            case "error" -> observed.error(event.path("code").asString(), channel);
            case "state" -> state = event.path("state").asString();
            case "connected" -> observed.connected(URI.create(event.path("url").asString()));
            case "disconnected" -> observed.disconnected(event.path("code").asInt());
            case "attempt" -> observed.attempt(URI.create(event.path("url").asString()));
            case "blocked" -> blocked = true;
            case "token-request" -> {
                int id = event.path("id").asInt();
                tokenThread.execute(() -> {
                    ObjectNode answer = command("token").put("id", id);
                    try {
                        answer.put("token", config.tokens().get());
                    } catch (Exception e) {
                        answer.put("error", String.valueOf(e.getMessage()));
                    }
                    send(answer);
                });
            }
            default -> throw new IllegalStateException("unknown event from the driver: " + event);
        }
    }

    private ObjectNode command(String name) {
        return json.createObjectNode().put("cmd", name);
    }

    private synchronized void send(ObjectNode command) {
        try {
            stdin.write((json.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the Node.js client is gone; its output:\n" + output(), e);
        }
    }

    /** What the driver printed so far (for failure messages). */
    String output() {
        synchronized (stdout) {
            return String.join("\n", stdout);
        }
    }

    @Override
    public void subscribe(String channel) {
        send(command("subscribe").put("channel", channel));
    }

    @Override
    public void connect() {
        send(command("connect"));
    }

    @Override
    public Optional<String> position(String channel) {
        return Optional.ofNullable(positions.get(channel));
    }

    @Override
    public String state() {
        return state;
    }

    @Override
    public void release() {
        send(command("release"));
    }

    @Override
    public boolean blocked() {
        return blocked;
    }

    @Override
    public Observed observed() {
        return observed;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send(command("exit"));
                stdin.close(); // the driver ends when its stdin does
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (IOException | UncheckedIOException e) {
            process.destroyForcibly();
        } finally {
            tokenThread.shutdownNow();
        }
    }
}
