package io.herald.e2e.system;

import io.herald.testkit.process.JavaProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One Herald service (ingest, dispatcher or an edge) running from its executable jar in its own JVM, so that
 * a test can SIGKILL it, freeze it (SIGSTOP, SIGCONT) and start it again with the same settings.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Small heap, serial GC, C1 only: several services and a broker share two cores in tests. */
    static final List<String> JVM_ARGS = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Pattern STARTED = Pattern.compile("Started \\w+Application in");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final Path jar;
    private final int port;
    private final int managementPort;
    private final List<String> args;
    private final Path logFile;
    private JavaProcess process;
    private boolean suspended;

    ServiceProcess(String name, Path jar, int port, int managementPort, List<String> args, Path logFile) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.managementPort = managementPort;
        List<String> all = new ArrayList<>(args);
        all.add("--server.port=" + port);
        all.add("--management.server.port=" + managementPort);
        this.args = List.copyOf(all);
        this.logFile = logFile;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** Health and metrics ({@code management.server.port}). */
    public int managementPort() {
        return managementPort;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code of a service that has exited, or empty while it runs (or was never started). */
    public synchronized OptionalInt exitCode() {
        if (process == null || process.isAlive()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(process.awaitExit(Duration.ZERO));
    }

    /** Starts the JVM and waits until Spring Boot reports the application started. */
    public void start() {
        launch();
        awaitStarted();
    }

    /** Starts the JVM without waiting for it ({@link #awaitStarted()} does), so that several start side by side. */
    public synchronized void launch() {
        suspended = false;
        process = JavaProcess.jar(jar, JVM_ARGS, args, logFile);
    }

    /** Waits until Spring Boot reports the application {@linkplain #launch() launched} started. */
    public void awaitStarted() {
        JavaProcess launched;
        synchronized (this) {
            launched = process;
        }
        launched.awaitLine(STARTED, START_TIMEOUT);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            suspended = false; // SIGKILL ends a frozen process too
        }
    }

    /** SIGTERM and wait: the service shuts down gracefully. */
    public synchronized void stop() {
        if (process != null) {
            if (process.isAlive()) {
                resume(); // a frozen JVM would only act on SIGTERM after the grace period
            }
            process.stop(Duration.ofSeconds(30));
        }
    }

    /**
     * SIGSTOP: every thread of the JVM freezes where it is, sockets stay open, and nothing notices until a timeout
     * runs out elsewhere; a zombie, or a process stuck in a long GC pause.
     */
    public synchronized void suspend() {
        signal("STOP");
        suspended = true;
    }

    /** SIGCONT: a {@linkplain #suspend() frozen} service carries on from where it stood. No-op when not frozen. */
    public synchronized void resume() {
        if (suspended) {
            signal("CONT");
            suspended = false;
        }
    }

    /** The operating system's process ID of the running service. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running; cannot send SIG" + signal);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + signal + " to " + name, e);
        }
    }

    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            if (process.isAlive()) {
                resume(); // a frozen JVM would only act on SIGTERM after the grace period
            }
            process.close();
        }
    }

    @Override
    public String toString() {
        return name + "@" + port;
    }
}
