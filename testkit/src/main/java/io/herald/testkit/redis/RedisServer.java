package io.herald.testkit.redis;

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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} process on a free 127.0.0.1 port with persistence off, or a handle on an external
 * Redis given by {@value #EXTERNAL_URL_ENV}.
 *
 * <p>The process runs in a temporary directory (deleted at {@link #close()}) and writes its output to
 * {@link #logFile()} there. {@link #kill()} and {@link #restart()} simulate a Redis crash and a Redis that came
 * back empty; {@link #pause()} and {@link #resume()} a Redis that stopped answering and came back with its data
 * (a stalled host, a network partition), executing what clients had sent meanwhile. A start that fails, or a server that does not answer PING within 10 s, fails with the end of
 * its log. Thread-safe.
 */
public final class RedisServer implements RedisDeployment {

    /** Environment variable with a {@code redis://} URL of an external Redis that tests use instead. */
    public static final String EXTERNAL_URL_ENV = "HERALD_TEST_REDIS_URL";

    private static final Logger log = LoggerFactory.getLogger(RedisServer.class);
    private static final String BINARY = "redis-server";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final int BIND_ATTEMPTS = 3;

    private final String url;
    private final int port;
    private final Path workDir;
    /** Sentinel mode: the monitoring line of its config file, or {@code null} for a data server. */
    private final String sentinelConfig;
    /** Arguments a data server gets beyond the defaults (cluster mode). */
    private final List<String> extraArgs;
    private Process process;
    private boolean closed;

    private RedisServer(String url, int port, Path workDir) {
        this(url, port, workDir, null, List.of());
    }

    private RedisServer(String url, int port, Path workDir, String sentinelConfig, List<String> extraArgs) {
        this.url = url;
        this.port = port;
        this.workDir = workDir;
        this.sentinelConfig = sentinelConfig;
        this.extraArgs = extraArgs;
    }

    /**
     * Starts a {@code redis-server} on a free port and waits until it answers PING.
     *
     * @throws IllegalStateException when {@code redis-server} is not installed or does not come up
     */
    public static RedisServer start() {
        return start(null, List.of(), 65535);
    }

    /**
     * Starts a cluster-enabled data server (no slots, no peers yet: {@link RedisCluster} joins them) on a free
     * port below 55535, since the cluster bus listens on the port + 10000. Its {@code nodes.conf} survives
     * {@link #restart()}, so a restarted node rejoins its cluster, without data, as a real one would.
     */
    public static RedisServer startClusterNode(Duration nodeTimeout) {
        return start(null, List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()),
                // a replica whose primary died long ago may still be promoted: tests kill and restart at will
                "--cluster-replica-validity-factor", "0",
                // the cluster keeps serving the slots it still has while one range has no node
                "--cluster-require-full-coverage", "no"), 55535);
    }

    /**
     * Starts a Sentinel on a free port, monitoring the primary {@code name} at {@code primaryPort} (quorum 2),
     * which it considers down after {@code downAfter} without an answer.
     */
    public static RedisServer startSentinel(String name, int primaryPort, Duration downAfter) {
        return start(String.join("\n",
                "sentinel resolve-hostnames no",
                "sentinel monitor " + name + " 127.0.0.1 " + primaryPort + " 2",
                "sentinel down-after-milliseconds " + name + " " + downAfter.toMillis(),
                "sentinel failover-timeout " + name + " 10000",
                "sentinel parallel-syncs " + name + " 1") + "\n", List.of(), 65535);
    }

    private static RedisServer start(String sentinelConfig, List<String> extraArgs, int portBelow) {
        for (int attempt = 1; ; attempt++) {
            int port = FreePort.pickBelow(portBelow);
            RedisServer server = new RedisServer("redis://127.0.0.1:" + port, port, Dirs.createTemp("herald-redis-"),
                    sentinelConfig, extraArgs);
            try {
                server.spawn();
                return server;
            } catch (PortTakenException e) {
                // Free ports are only probed, so another process may bind one first: pick again.
                server.close();
                if (attempt == BIND_ATTEMPTS) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
                log.warn("redis port taken, retrying port={} attempt={}", port, attempt);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }

    /** A handle on an external Redis: {@link #url()} and {@link #port()} work, {@link #kill()} does not. */
    public static RedisServer external(String url) {
        int port = URI.create(url).getPort();
        return new RedisServer(url, port == -1 ? 6379 : port, null);
    }

    /**
     * The Redis tests should use: the external one named by {@value #EXTERNAL_URL_ENV} when that is set, else
     * a new process.
     */
    public static RedisServer fromEnvironmentOrStart() {
        String external = System.getenv(EXTERNAL_URL_ENV);
        return external == null || external.isBlank() ? start() : external(external.trim());
    }

    /** The TCP port. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, for {@code spring.data.redis.url} or {@code RedisURI.create}. */
    public String url() {
        return url;
    }

    /** {@code --spring.data.redis.url=<url>}. */
    @Override
    public List<String> springArgs() {
        return List.of("--spring.data.redis.url=" + url);
    }

    /** The running process's ID (benchmarks read its CPU time from {@code /proc}). */
    public synchronized long pid() {
        requireControllable("pid()");
        if (process == null) {
            throw new IllegalStateException("redis server is not running");
        }
        return process.pid();
    }

    /** True when the testkit runs the process, so {@link #kill()} and {@link #restart()} work. */
    public boolean controllable() {
        return workDir != null;
    }

    /** The server's stdout and stderr (all its runs, appended). */
    public Path logFile() {
        requireControllable("logFile()");
        return workDir.resolve("redis.log");
    }

    /** Kills the process with SIGKILL and waits until it is gone; the port stays reserved for {@link #restart()}. */
    public synchronized void kill() {
        requireControllable("kill()");
        if (process != null) {
            process.destroyForcibly();
            awaitExit(process);
            process = null;
        }
    }

    /**
     * Freezes the process (SIGSTOP): connections stay open, commands sent meanwhile wait unanswered in its socket
     * buffers, and {@link #resume()} lets it execute them, its data intact.
     */
    public synchronized void pause() {
        signal("STOP");
    }

    /** Lets a {@link #pause() paused} process run again (SIGCONT). */
    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        requireControllable(signal);
        if (process == null) {
            throw new IllegalStateException("redis server is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kill -" + signal + " " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling redis-server", e);
        }
    }

    /**
     * Starts a new, empty server on the same port (killing the running one first, if any) and waits until it
     * answers PING.
     */
    public synchronized void restart() {
        requireControllable("restart()");
        if (closed) {
            throw new IllegalStateException("redis server is closed");
        }
        kill();
        try {
            spawn();
        } catch (PortTakenException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Kills the process and deletes its directory; for an external Redis, does nothing. */
    @Override
    public synchronized void close() {
        if (closed || !controllable()) {
            return;
        }
        closed = true;
        kill();
        Dirs.deleteRecursively(workDir);
    }

    @Override
    public String toString() {
        return "RedisServer[" + url + (controllable() ? "" : ", external") + "]";
    }

    private void spawn() {
        Path dataDir = workDir.resolve("data");
        Path logFile = logFile();
        long logStart;
        try {
            Files.createDirectories(dataDir);
            logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + workDir, e);
        }
        List<String> command;
        if (sentinelConfig == null) {
            // no diskless-sync delay: a replica (any server may become one) gets its first sync at once, not after 5 s
            command = new ArrayList<>(List.of(BINARY, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no", "--repl-diskless-sync-delay", "0",
                    "--dir", dataDir.toString()));
            command.addAll(extraArgs);
        } else {
            Path config = workDir.resolve("sentinel.conf");
            try {
                Files.writeString(config, sentinelConfig); // a sentinel rewrites its config file: one per process
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + config, e);
            }
            command = List.of(BINARY, config.toString(), "--sentinel", "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--daemonize", "no", "--dir", dataDir.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(BINARY + " cannot be started (" + e.getMessage() + "). Install Redis "
                    + "(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) so that "
                    + BINARY + " is on the PATH, or set " + EXTERNAL_URL_ENV
                    + "=redis://host:port to use an external Redis.", e);
        }
        process = started;
        try {
            Awaitility.await("redis on port " + port)
                    .atMost(READY_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> answersPing() || !started.isAlive());
        } catch (ConditionTimeoutException e) {
            kill();
            throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                    + READY_TIMEOUT.toSeconds() + " s; log tail:\n" + LogTail.of(logFile, logStart, 30), e);
        }
        if (!started.isAlive()) {
            process = null;
            String tail = LogTail.of(logFile, logStart, 30);
            if (tail.contains("Address already in use")) {
                throw new PortTakenException("port " + port + " is taken; redis-server log tail:\n" + tail);
            }
            throw new IllegalStateException("redis-server on port " + port + " exited with code "
                    + started.exitValue() + "; log tail:\n" + tail);
        }
        log.debug("redis started port={} pid={}", port, started.pid());
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return "+PONG".equals(reply);
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitExit(Process process) {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("redis-server pid " + process.pid() + " still alive after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server to exit", e);
        }
    }

    private void requireControllable(String operation) {
        if (!controllable()) {
            throw new UnsupportedOperationException(operation + " needs a redis-server started by the testkit, but "
                    + EXTERNAL_URL_ENV + " points at an external one (" + url
                    + "); guard the test with assumeTrue(redis.controllable())");
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
