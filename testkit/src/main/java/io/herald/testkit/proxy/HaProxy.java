package io.herald.testkit.proxy;

import io.herald.testkit.support.Dirs;
import io.herald.testkit.support.FreePort;
import io.herald.testkit.support.LogTail;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code haproxy} process balancing HTTP, WebSocket and SSE over backends on 127.0.0.1, as a load balancer
 * in front of Herald's edges would: long-lived upgraded connections ({@code timeout tunnel}), an HTTP health check
 * of each backend on its own port (the edge's management port), and a connection that fails on a dead backend
 * tried again on another ({@code option redispatch}).
 *
 * <p>It runs in a temporary directory (deleted at {@link #close()}) holding {@code haproxy.cfg} and the process's
 * output. Its runtime API listens on a second loopback port ({@link #adminPort()}): {@link #serverStates()} reads
 * each backend's health from it and {@link #setState} drains or readies one, as an operator would. {@link #kill()}
 * and {@link #restart()} simulate a balancer that crashed and came back. Thread-safe.
 */
public final class HaProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HaProxy.class);
    private static final String BINARY = "haproxy";
    /** Where Debian installs it; not always on a non-root user's PATH. */
    private static final List<String> CANDIDATES = List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy",
            "/usr/bin/haproxy", "/usr/local/bin/haproxy");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(2);
    private static final String BACKEND = "edges";
    private static final int BIND_ATTEMPTS = 3;

    private final String binary;
    private final List<Backend> backends;
    private final Settings settings;
    private final Path workDir;
    private int port;
    private int adminPort;
    private Process process;
    private boolean closed;

    private HaProxy(String binary, List<Backend> backends, Settings settings, Path workDir) {
        this.binary = binary;
        this.backends = List.copyOf(backends);
        this.settings = settings;
        this.workDir = workDir;
    }

    /**
     * One backend server.
     *
     * @param name       its name in the configuration and the runtime API (letters, digits, {@code -_.})
     * @param port       where clients' connections go (the edge's client port)
     * @param checkPort  where the health check goes (the edge's management port)
     */
    public record Backend(String name, int port, int checkPort) {

        public Backend {
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("backend name must be letters, digits, '-', '_' or '.': " + name);
            }
        }
    }

    /**
     * How the balancer picks and watches backends.
     *
     * @param checkPath      the HTTP health check's path on each backend's check port; 200 means up
     * @param checkInterval  how often each backend is checked
     * @param fall           consecutive failed checks that take a backend out
     * @param rise           consecutive passed checks that put it back
     * @param tunnelTimeout  how long an upgraded (WebSocket) connection may stay silent in both directions
     * @param idleTimeout    {@code timeout client} and {@code timeout server}: silence allowed on a request or a
     *                       streamed response (SSE) before the upgrade; above the SSE heartbeat
     */
    public record Settings(String checkPath, Duration checkInterval, int fall, int rise, Duration tunnelTimeout,
            Duration idleTimeout) {

        /** Herald's edges: the {@code live} health group on the management port, checked every 500 ms. */
        public static Settings heraldEdges() {
            return new Settings("/actuator/health/live", Duration.ofMillis(500), 2, 2, Duration.ofHours(1),
                    Duration.ofMinutes(1));
        }
    }

    /** A backend's state as the runtime API reports it. */
    public enum ServerState {
        /** In rotation: health checks pass and it takes new connections. */
        UP,
        /** Health checks fail (or none passed yet): no new connections. */
        DOWN,
        /** Drained by an operator: no new connections, open ones stay. */
        DRAIN,
        /** In maintenance: no new connections. */
        MAINT,
        /** Anything else (a transition such as "UP 1/2"). */
        OTHER
    }

    /** Whether an {@code haproxy} binary can be found, for a JUnit assumption. */
    public static boolean installed() {
        return locate() != null;
    }

    /** The {@code haproxy} binary's path (for {@code haproxy -c}, say). */
    public static String binary() {
        String binary = locate();
        if (binary == null) {
            throw new IllegalStateException(BINARY + " is not installed (Debian/Ubuntu: apt-get install haproxy; "
                    + "macOS: brew install haproxy)");
        }
        return binary;
    }

    /**
     * Starts {@code haproxy} on a free port in front of {@code backends} and waits until it accepts connections.
     *
     * @throws IllegalStateException when haproxy is not installed, the configuration is refused, or it does not come up
     */
    public static HaProxy start(List<Backend> backends, Settings settings) {
        String binary = binary();
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("at least one backend");
        }
        HaProxy proxy = new HaProxy(binary, backends, settings, Dirs.createTemp("herald-haproxy-"));
        for (int attempt = 1; ; attempt++) {
            proxy.port = FreePort.pick();
            proxy.adminPort = FreePort.pick();
            try {
                proxy.spawn();
                return proxy;
            } catch (PortTakenException e) {
                if (attempt == BIND_ATTEMPTS) {
                    proxy.close();
                    throw new IllegalStateException(e.getMessage(), e);
                }
                log.warn("haproxy port taken, retrying port={} attempt={}", proxy.port, attempt);
            } catch (RuntimeException e) {
                proxy.close();
                throw e;
            }
        }
    }

    /** Where clients connect (HTTP, {@code ws://}, SSE). */
    public int port() {
        return port;
    }

    /** The runtime API (TCP, admin level), for {@code socat}, {@code nc} or {@link #command(String)}. */
    public int adminPort() {
        return adminPort;
    }

    public List<Backend> backends() {
        return backends;
    }

    /** The configuration it runs with. */
    public Path configFile() {
        return workDir.resolve("haproxy.cfg");
    }

    /** Its output (all runs, appended). */
    public Path logFile() {
        return workDir.resolve("haproxy.log");
    }

    /** The configuration for {@code backends} listening on {@code port}: what an operator could start from. */
    static String config(List<Backend> backends, Settings settings, int port, int adminPort) {
        StringBuilder cfg = new StringBuilder();
        cfg.append("global\n")
                .append("    stats socket ipv4@127.0.0.1:").append(adminPort).append(" level admin\n")
                // one thread is plenty on loopback, and the machine running the tests is shared
                .append("    nbthread 1\n")
                .append("    log stdout format short local0 info\n")
                .append("\n")
                .append("defaults\n")
                .append("    mode http\n")
                .append("    log global\n")
                .append("    option httplog\n")
                .append("    option redispatch 1\n")
                .append("    retries 2\n")
                // a draining edge answers a new connection 503: try it on another edge, unseen by the client
                .append("    retry-on conn-failure empty-response 503\n")
                .append("    timeout connect 2s\n")
                .append("    timeout http-request 10s\n")
                .append("    timeout client ").append(millis(settings.idleTimeout())).append('\n')
                .append("    timeout server ").append(millis(settings.idleTimeout())).append('\n')
                .append("    timeout tunnel ").append(millis(settings.tunnelTimeout())).append('\n')
                .append("    timeout client-fin 5s\n")
                .append("\n")
                .append("frontend clients\n")
                .append("    bind 127.0.0.1:").append(port).append('\n')
                .append("    default_backend ").append(BACKEND).append('\n')
                .append("\n")
                .append("backend ").append(BACKEND).append('\n')
                // long-lived connections: the least loaded node takes the next one, so a restarted node fills up
                .append("    balance leastconn\n")
                .append("    option httpchk\n")
                .append("    http-check send meth GET uri ").append(settings.checkPath()).append('\n')
                .append("    http-check expect status 200\n")
                .append("    default-server inter ").append(millis(settings.checkInterval()))
                .append(" fall ").append(settings.fall()).append(" rise ").append(settings.rise()).append('\n');
        for (Backend backend : backends) {
            cfg.append("    server ").append(backend.name()).append(" 127.0.0.1:").append(backend.port())
                    .append(" check port ").append(backend.checkPort()).append('\n');
        }
        return cfg.toString();
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + "ms";
    }

    /** Each backend's state, by name, from {@code show stat}. */
    public Map<String, ServerState> serverStates() {
        Map<String, ServerState> states = new LinkedHashMap<>();
        serverStats().forEach((name, stats) -> states.put(name, state(stats.get("status"))));
        return states;
    }

    /** The connections open on each backend now, by name, from {@code show stat}. */
    public Map<String, Integer> currentSessions() {
        Map<String, Integer> sessions = new LinkedHashMap<>();
        serverStats().forEach((name, stats) -> sessions.put(name, Integer.parseInt(stats.get("scur"))));
        return sessions;
    }

    /** The {@code show stat} columns of each server of the backend, by server name. */
    private Map<String, Map<String, String>> serverStats() {
        String[] lines = command("show stat").split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            throw new IllegalStateException("haproxy's show stat answered without its header: " + String.join("\n", lines));
        }
        String[] header = lines[0].substring(2).split(",", -1);
        Map<String, Map<String, String>> servers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",", -1);
            if (fields.length < 2 || !BACKEND.equals(fields[0]) || "BACKEND".equals(fields[1])) {
                continue;
            }
            Map<String, String> columns = new LinkedHashMap<>();
            for (int c = 0; c < header.length && c < fields.length; c++) {
                columns.put(header[c], fields[c]);
            }
            servers.put(fields[1], columns);
        }
        return servers;
    }

    /** "UP", "DOWN", "DRAIN", "MAINT", or a transition such as "UP 1/2" or "DOWN 1/2" (still counting checks). */
    private static ServerState state(String status) {
        return switch (status) {
            case "UP" -> ServerState.UP;
            case "DOWN" -> ServerState.DOWN;
            case "DRAIN", "NOLB" -> ServerState.DRAIN;
            default -> status.startsWith("MAINT") ? ServerState.MAINT : ServerState.OTHER;
        };
    }

    /** Waits until the runtime API reports backend {@code name} in {@code state}. */
    public void awaitState(String name, ServerState state, Duration timeout) {
        try {
            Awaitility.await("haproxy backend " + name + " " + state).atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> serverStates().get(name) == state);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("haproxy backend " + name + " not " + state + " within " + timeout
                    + ": " + serverStates() + "; log tail:\n" + LogTail.of(logFile(), 0, 20), e);
        }
    }

    /**
     * Puts backend {@code name} in {@code ready}, {@code drain} (no new connections, open ones stay) or
     * {@code maint}, as {@code set server} does.
     */
    public void setState(String name, String state) {
        String reply = command("set server " + BACKEND + "/" + name + " state " + state).strip();
        if (!reply.isEmpty()) {
            throw new IllegalStateException("haproxy refused set server " + name + " state " + state + ": " + reply);
        }
    }

    /** Sends one runtime API command and returns its whole answer. */
    public String command(String command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), adminPort), (int) IO_TIMEOUT.toMillis());
            socket.setSoTimeout((int) IO_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // without "prompt" mode the runtime API answers one command and closes the connection
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                return in.lines().collect(Collectors.joining("\n"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("haproxy runtime API on port " + adminPort + ": " + command, e);
        }
    }

    /** SIGKILL and wait until it is gone: every connection through it ends at once. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(process);
            process = null;
        }
    }

    /** Starts it again on the same ports (killing the running one first, if any). */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("haproxy is closed");
        }
        kill();
        try {
            spawn();
        } catch (PortTakenException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Kills the process and deletes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        kill();
        Dirs.deleteRecursively(workDir);
    }

    @Override
    public String toString() {
        return "HaProxy[127.0.0.1:" + port + " -> " + backends + "]";
    }

    private synchronized void spawn() {
        Path config = configFile();
        Path logFile = logFile();
        long logStart;
        try {
            Files.writeString(config, config(backends, settings, port, adminPort));
            logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        // -db: stay in the foreground, so that the process is this one and SIGKILL reaches it
        ProcessBuilder builder = new ProcessBuilder(binary, "-db", "-f", config.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(binary + " cannot be started: " + e.getMessage(), e);
        }
        process = started;
        try {
            Awaitility.await("haproxy on port " + port).atMost(READY_TIMEOUT)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> accepts(port) && accepts(adminPort) || !started.isAlive());
        } catch (ConditionTimeoutException e) {
            kill();
            throw new IllegalStateException("haproxy on port " + port + " did not accept connections within "
                    + READY_TIMEOUT.toSeconds() + " s; log tail:\n" + LogTail.of(logFile, logStart, 30), e);
        }
        if (!started.isAlive()) {
            process = null;
            String tail = LogTail.of(logFile, logStart, 30);
            if (tail.contains("Address already in use") || tail.contains("cannot bind socket")) {
                throw new PortTakenException("port " + port + " or " + adminPort + " is taken; haproxy log tail:\n" + tail);
            }
            throw new IllegalStateException("haproxy exited with code " + started.exitValue() + " (config "
                    + config + "); log tail:\n" + tail);
        }
        log.info("haproxy started port={} adminPort={} pid={} backends={}", port, adminPort, started.pid(),
                backends.size());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String locate() {
        for (String candidate : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, BINARY))) {
                    return Path.of(dir, BINARY).toString();
                }
            }
        }
        return null;
    }

    private static void awaitExit(Process process) {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("haproxy pid " + process.pid() + " still alive after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for haproxy to exit", e);
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
