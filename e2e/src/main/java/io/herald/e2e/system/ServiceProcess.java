package io.herald.e2e.system;

import io.herald.testkit.process.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One Herald service (ingest, dispatcher or an edge) running from its executable jar in its own JVM, so that
 * a test can SIGKILL it and start it again with the same settings.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Small heap, serial GC, C1 only: several services and a broker share two cores in tests. */
    static final List<String> JVM_ARGS = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Pattern STARTED = Pattern.compile("Started \\w+Application in");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final Path jar;
    private final int port;
    private final List<String> args;
    private final Path logFile;
    private JavaProcess process;

    ServiceProcess(String name, Path jar, int port, List<String> args, Path logFile) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        List<String> all = new ArrayList<>(args);
        all.add("--server.port=" + port);
        this.args = List.copyOf(all);
        this.logFile = logFile;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the JVM and waits until Spring Boot reports the application started. */
    public synchronized void start() {
        process = JavaProcess.jar(jar, JVM_ARGS, args, logFile);
        process.awaitLine(STARTED, START_TIMEOUT);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** SIGTERM and wait: the service shuts down gracefully. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        }
    }

    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return name + "@" + port;
    }
}
