package io.herald.testkit.kafka;

import io.herald.testkit.process.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@link KafkaBroker} in its own JVM ({@link KafkaBroker#main}), for tests that must SIGKILL the broker.
 *
 * <p>The broker keeps its data and ports in {@code dir}, so {@link #restart()} after {@link #kill()} or
 * {@link #stop()} brings it back on the same address with every acknowledged record. The child uses this JVM's
 * class path, so the test class path must hold the testkit and Kafka (it does wherever the testkit is a
 * dependency).
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    /**
     * JVM options of the child: a small heap that grows only when needed, the serial collector (no GC threads
     * competing for two cores) and C1 only (the broker is up sooner; tests do not need peak throughput).
     */
    public static final List<String> DEFAULT_JVM_ARGS = List.of(
            "-Xms32m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dlogback.configurationFile=io/herald/testkit/logback-broker.xml");

    private static final Pattern READY = Pattern.compile(KafkaBroker.READY_MARKER + " bootstrap=(\\S+)");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private final Path logFile;
    private final List<String> jvmArgs;
    /** More arguments for {@link KafkaBroker#main}: a cluster node's place in its cluster. */
    private final List<String> nodeArgs;
    private JavaProcess process;
    private String bootstrapServers;

    private KafkaBrokerProcess(Path dir, int port, Path logFile, List<String> jvmArgs, List<String> nodeArgs) {
        this.dir = dir;
        this.port = port;
        this.logFile = logFile;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.nodeArgs = List.copyOf(nodeArgs);
    }

    /**
     * Starts a broker JVM on {@code dir} and waits until it accepts clients.
     *
     * @param port the client port, or 0 for the one recorded in {@code dir} (a free one on first start)
     * @param logFile where the child's output is appended
     */
    public static KafkaBrokerProcess start(Path dir, int port, Path logFile) {
        return start(dir, port, logFile, DEFAULT_JVM_ARGS);
    }

    /** Like {@link #start(Path, int, Path)} with other JVM options (replacing {@link #DEFAULT_JVM_ARGS}). */
    public static KafkaBrokerProcess start(Path dir, int port, Path logFile, List<String> jvmArgs) {
        KafkaBrokerProcess broker = new KafkaBrokerProcess(dir, port, logFile, jvmArgs, List.of());
        broker.launch();
        return broker;
    }

    /**
     * Starts the JVM of one {@link KafkaCluster} node without waiting for it: a node is ready only once a majority
     * of the cluster's controllers runs, so the cluster starts every node first, then {@link #awaitReady()}s each.
     */
    static KafkaBrokerProcess spawnNode(Path dir, int port, Path logFile, List<String> nodeArgs) {
        KafkaBrokerProcess broker = new KafkaBrokerProcess(dir, port, logFile, DEFAULT_JVM_ARGS, nodeArgs);
        broker.process = broker.spawn();
        return broker;
    }

    /** Waits until a node started by {@link #spawnNode} accepts clients; kills it if it does not. */
    synchronized void awaitReady() {
        awaitReady(process);
    }

    /** {@code 127.0.0.1:<port>}; the same after a restart. */
    public synchronized String bootstrapServers() {
        return bootstrapServers;
    }

    /** The running child JVM. */
    public synchronized JavaProcess process() {
        return process;
    }

    /** SIGKILL, as in a crash: nothing is flushed beyond what the OS already has. */
    public synchronized void kill() {
        process.kill();
    }

    /** SIGTERM: the broker shuts down cleanly. */
    public synchronized void stop() {
        process.stop(Duration.ofSeconds(30));
    }

    /** Starts the broker again on the same directory and port (stopping it first if it still runs). */
    public synchronized void restart() {
        if (process.isAlive()) {
            stop();
        }
        launch();
    }

    /** Stops the broker; the directory is the caller's. */
    @Override
    public synchronized void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    @Override
    public synchronized String toString() {
        return "KafkaBrokerProcess[" + bootstrapServers + ", dir=" + dir + ", " + process + "]";
    }

    private synchronized void launch() {
        JavaProcess started = spawn();
        awaitReady(started);
    }

    private synchronized JavaProcess spawn() {
        int recordedOrGiven = bootstrapServers == null ? port : Integer.parseInt(
                bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--port", String.valueOf(recordedOrGiven)));
        args.addAll(nodeArgs);
        return JavaProcess.mainClass(KafkaBroker.class.getName(), JavaProcess.currentClasspath(), jvmArgs, args,
                logFile);
    }

    private synchronized void awaitReady(JavaProcess started) {
        try {
            String ready = started.awaitLine(READY, READY_TIMEOUT).group(1);
            if (bootstrapServers != null && !bootstrapServers.equals(ready)) {
                throw new IllegalStateException("broker came back on " + ready + " instead of " + bootstrapServers);
            }
            bootstrapServers = ready;
            process = started;
        } catch (AssertionError | RuntimeException e) {
            started.kill();
            throw e;
        }
    }
}
