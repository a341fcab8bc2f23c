package io.herald.testkit.kafka;

import io.herald.testkit.support.Dirs;
import io.herald.testkit.support.FreePort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, or a handle
 * on an external broker given by {@value #EXTERNAL_BOOTSTRAP_ENV}. {@link #main} also runs one node of a
 * {@link KafkaCluster}.
 *
 * <p>The broker listens on 127.0.0.1 only. Its directory holds the Kafka log dir ({@code kafka-logs}, formatted
 * on first use) and {@code herald-broker.properties}, the listener and controller ports it used: starting again
 * on the same directory reuses them, so clients configured with the old bootstrap address reconnect, and finds
 * every record written before. Settings chosen for tests: the internal topics replicated to every node (so
 * replication factor 1 and min ISR 1 on a single broker), no initial rebalance delay, a 4 MB log-cleaner buffer
 * (keeps the heap near 50 MB), and {@code auto.create.topics.enable=false} because Herald's services create their
 * topics explicitly.
 *
 * <p>Thread-safe. Close it (or let the JUnit extension close it) to stop the broker; a temporary directory is
 * deleted then, a directory given to {@link #start(Path)} is kept.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Environment variable naming an external broker ({@code host:port,...}) that tests use instead. */
    public static final String EXTERNAL_BOOTSTRAP_ENV = "HERALD_TEST_KAFKA_BOOTSTRAP";

    /** First word of the line {@link #main} prints on stdout once the broker accepts clients. */
    public static final String READY_MARKER = "HERALD_KAFKA_READY";

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final String PORTS_FILE = "herald-broker.properties";
    private static final String LOG_DIR = "kafka-logs";
    private static final int SINGLE_NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 3;

    private final Path dir;
    private final boolean temporary;
    private final int port;
    private final int controllerPort;
    private final String bootstrapServers;
    private final Membership membership;
    private KafkaRaftServer server;
    private Admin admin;
    private boolean closed;

    private KafkaBroker(Path dir, boolean temporary, int port, int controllerPort, String bootstrapServers,
            Membership membership) {
        this.dir = dir;
        this.temporary = temporary;
        this.port = port;
        this.controllerPort = controllerPort;
        this.bootstrapServers = bootstrapServers;
        this.membership = membership;
    }

    /**
     * Where a node stands in its cluster: a single broker is node 1 of a cluster of one, with its own controller
     * as the only voter and a random cluster ID.
     *
     * @param nodeId    this node's {@code node.id}
     * @param clusterId the ID every node of the cluster is formatted with ({@code null}: a random one)
     * @param voters    {@code controller.quorum.voters} ({@code id@host:port,...}), the same on every node
     */
    private record Membership(int nodeId, String clusterId, String voters) {

        static Membership single(int controllerPort) {
            return new Membership(SINGLE_NODE_ID, null, SINGLE_NODE_ID + "@127.0.0.1:" + controllerPort);
        }

        int size() {
            return voters.split(",").length;
        }
    }

    /** Starts a broker on a fresh temporary directory (deleted at {@link #close()}) and a free port. */
    public static KafkaBroker start() {
        return startTemporary(0);
    }

    /**
     * Starts a broker on {@code dir}, which is kept at close. The first start formats it and picks free ports;
     * a later start on the same directory finds the data and listens on the same ports again.
     */
    public static KafkaBroker start(Path dir) {
        return start(dir, 0, false);
    }

    /** Like {@link #start(Path)}, listening for clients on {@code port} (0: the recorded or a free port). */
    public static KafkaBroker start(Path dir, int port) {
        return start(dir, port, false);
    }

    /** A handle on an external broker: {@link #createTopic} works, {@link #restart()} does not. */
    public static KafkaBroker external(String bootstrapServers) {
        return new KafkaBroker(null, false, -1, -1, bootstrapServers, null);
    }

    /**
     * The broker tests should use: the external one named by {@value #EXTERNAL_BOOTSTRAP_ENV} when that is
     * set, else a new one on a temporary directory.
     */
    public static KafkaBroker fromEnvironmentOrStart() {
        String external = System.getenv(EXTERNAL_BOOTSTRAP_ENV);
        return external == null || external.isBlank() ? start() : external(external.trim());
    }

    private static KafkaBroker startTemporary(int port) {
        Path dir = Dirs.createTemp("herald-kafka-");
        try {
            return start(dir, port, true);
        } catch (RuntimeException e) {
            Dirs.deleteRecursively(dir);
            throw e;
        }
    }

    private static KafkaBroker start(Path dir, int requestedPort, boolean temporary) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker directory " + dir, e);
        }
        Properties recorded = readPorts(dir);
        boolean freshPorts = recorded.isEmpty() && requestedPort == 0;
        for (int attempt = 1; ; attempt++) {
            int port = requestedPort != 0 ? requestedPort : intOr(recorded, "port", FreePort.pick());
            int controllerPort = intOr(recorded, "controller.port", FreePort.pick());
            KafkaBroker broker = new KafkaBroker(dir, temporary, port, controllerPort, "127.0.0.1:" + port,
                    Membership.single(controllerPort));
            try {
                broker.startServer();
                writePorts(dir, port, controllerPort);
                return broker;
            } catch (RuntimeException e) {
                // Free ports are only probed, so another process may bind one first: pick again.
                if (freshPorts && attempt < BIND_ATTEMPTS && causedByBindFailure(e)) {
                    log.warn("kafka port taken, retrying port={} controllerPort={} attempt={}",
                            port, controllerPort, attempt);
                    continue;
                }
                throw e;
            }
        }
    }

    /** {@code host:port} for {@code bootstrap.servers} / {@code spring.kafka.bootstrap-servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** True when this JVM runs the broker, so {@link #restart()} works; false for an external broker. */
    public boolean controllable() {
        return dir != null;
    }

    /**
     * Creates a topic with the broker's default replication factor. An existing topic is fine (its partition
     * count is left as it is). Returns once every partition has a leader.
     */
    public void createTopic(String name, int partitions) {
        Admin admin = admin();
        try {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + name + " not created within 30 s", e);
        }
        awaitLeaders(admin, name);
    }

    /**
     * Adds partitions to a topic, as {@code heraldctl topic grow} does before it seals the growth, and returns the
     * end offset of each partition it had before: the cuts a test seals the growth with (core's
     * {@code TopicLayout.seal}), as nothing produces meanwhile. Returns once every partition has a leader.
     */
    public Map<Integer, Long> growTopic(String name, int partitions) {
        Admin admin = admin();
        try {
            int before = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name)
                    .partitions().size();
            admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitions))).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, name);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < before; p++) {
                ends.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
            Map<Integer, Long> cuts = new HashMap<>();
            admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, end) -> cuts.put(tp.partition(), end.offset()));
            return cuts;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot grow topic " + name + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while growing topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + name + " not grown within 30 s", e);
        }
    }

    /**
     * Stops the broker cleanly and starts it again on the same directory and ports; the data survives.
     *
     * @throws UnsupportedOperationException for an external broker (see {@link #controllable()})
     */
    public synchronized void restart() {
        requireControllable("restart()");
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        closeAdmin();
        stopServer();
        startServer();
    }

    /** Stops the broker (or only the admin client of an external one) and deletes a temporary directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAdmin();
        if (dir != null) {
            stopServer();
            if (temporary) {
                Dirs.deleteRecursively(dir);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + (dir == null ? ", external" : ", dir=" + dir) + "]";
    }

    /**
     * Runs a broker until the process is terminated: {@code --dir <path>} (default: a temporary directory,
     * deleted at exit) and {@code --port <n>} (default: the port recorded in the directory, else a free one). Prints
     * {@code HERALD_KAFKA_READY bootstrap=127.0.0.1:<port>} on stdout when clients can connect; SIGTERM stops
     * it cleanly. See {@link KafkaBrokerProcess} to run it from a test.
     *
     * <p>As one node of a {@link KafkaCluster}, it also takes {@code --node-id <n> --controller-port <n>
     * --cluster-id <id> --voters <id@host:port,...>} (all four, with {@code --dir} and {@code --port}); it is
     * ready only once a majority of the voters runs, so the nodes of a new cluster must be started together.
     */
    public static void main(String[] args) throws InterruptedException {
        Path dir = null;
        int port = 0;
        Integer nodeId = null;
        int controllerPort = 0;
        String clusterId = null;
        String voters = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--node-id" -> nodeId = Integer.parseInt(value(args, ++i, "--node-id"));
                case "--controller-port" -> controllerPort = Integer.parseInt(value(args, ++i, "--controller-port"));
                case "--cluster-id" -> clusterId = value(args, ++i, "--cluster-id");
                case "--voters" -> voters = value(args, ++i, "--voters");
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: --dir <path> --port <n> [--node-id <n> --controller-port <n> --cluster-id <id>"
                        + " --voters <id@host:port,...>])");
            }
        }
        KafkaBroker broker;
        if (voters != null) {
            if (dir == null || port == 0 || nodeId == null || controllerPort == 0 || clusterId == null) {
                throw new IllegalArgumentException("a cluster node needs --dir, --port, --node-id, --controller-port,"
                        + " --cluster-id and --voters");
            }
            broker = startNode(dir, port, controllerPort, new Membership(nodeId, clusterId, voters));
        } else {
            broker = dir == null ? startTemporary(port) : start(dir, port);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "herald-kafka-shutdown"));
        System.out.println(READY_MARKER + " bootstrap=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    /** A cluster node: its ports are the cluster's to choose (it knows them for the voters), so none is picked here. */
    private static KafkaBroker startNode(Path dir, int port, int controllerPort, Membership membership) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker directory " + dir, e);
        }
        KafkaBroker broker = new KafkaBroker(dir, false, port, controllerPort, "127.0.0.1:" + port, membership);
        broker.startServer();
        writePorts(dir, port, controllerPort);
        return broker;
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, "herald-testkit-admin"));
        }
        return admin;
    }

    private synchronized void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    private static void awaitLeaders(Admin admin, String topic) {
        try {
            // Metadata can lag the controller for a moment right after creation: ask until it caught up.
            Awaitility.await("leaders of topic " + topic)
                    .atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                            .get(topic).partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("topic " + topic + " has partitions without a leader after 30 s", e);
        }
    }

    private void requireControllable(String operation) {
        if (!controllable()) {
            throw new UnsupportedOperationException(operation + " needs a broker started by the testkit, but "
                    + EXTERNAL_BOOTSTRAP_ENV + " points at an external one (" + bootstrapServers
                    + "); guard the test with assumeTrue(broker.controllable())");
        }
    }

    private synchronized void startServer() {
        Path logDir = dir.resolve(LOG_DIR);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(logDir, membership);
        }
        long started = System.nanoTime();
        KafkaRaftServer raftServer = new KafkaRaftServer(new KafkaConfig(config(logDir), false), Time.SYSTEM);
        try {
            raftServer.startup();
            awaitClusterReady();
        } catch (RuntimeException e) {
            raftServer.shutdown();
            raftServer.awaitShutdown();
            throw e;
        }
        server = raftServer;
        log.info("kafka broker started bootstrap={} dir={} startupMs={}",
                bootstrapServers, dir, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private void awaitClusterReady() {
        try (Admin probe = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            probe.describeCluster().nodes().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("kafka broker " + bootstrapServers + " not ready within "
                    + READY_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting kafka", e);
        }
    }

    private synchronized void stopServer() {
        if (server == null) {
            return;
        }
        long started = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("kafka broker stopped bootstrap={} shutdownMs={}",
                bootstrapServers, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private Map<String, Object> config(Path logDir) {
        // Internal topics (group offsets, transactions) on every node of a cluster, so that losing one node loses no
        // consumer group or transaction; topics others create get Kafka's own defaults (replication factor 1, min
        // ISR 1), so a test sees what the creator asked for rather than what the cluster made up for it.
        String internalReplicas = String.valueOf(membership.size());
        String internalMinIsr = String.valueOf(Math.min(2, membership.size()));
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(membership.nodeId())),
                Map.entry("controller.quorum.voters", membership.voters()),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("offsets.topic.replication.factor", internalReplicas),
                // 50 partitions by default: fewer make the first consumer group ready sooner.
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", internalReplicas),
                Map.entry("transaction.state.log.min.isr", internalMinIsr),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // The broker is unfenced on a heartbeat: the 2 s default delays every start.
                Map.entry("broker.heartbeat.interval.ms", "500"),
                // After a SIGKILL the controller refuses the new incarnation until the old session expired
                // (9 s by default), which a restart would otherwise wait for.
                Map.entry("broker.session.timeout.ms", "3000"),
                // The 128 MB default buffer alone would triple the broker's heap.
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("background.threads", "2"));
    }

    private static void format(Path logDir, Membership membership) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(membership.nodeId())
                    .setClusterId(membership.clusterId() != null ? membership.clusterId() : Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format kafka log dir " + logDir, e);
        }
    }

    private static Properties readPorts(Path dir) {
        Properties ports = new Properties();
        Path file = dir.resolve(PORTS_FILE);
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                ports.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return ports;
    }

    private static void writePorts(Path dir, int port, int controllerPort) {
        Properties ports = new Properties();
        ports.setProperty("port", String.valueOf(port));
        ports.setProperty("controller.port", String.valueOf(controllerPort));
        try (OutputStream out = Files.newOutputStream(dir.resolve(PORTS_FILE))) {
            ports.store(out, "ports of the Herald testkit Kafka broker; reused when it starts again on this dir");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(PORTS_FILE), e);
        }
    }

    private static int intOr(Properties properties, String key, int fallback) {
        String value = properties.getProperty(key);
        return value == null ? fallback : Integer.parseInt(value);
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }
}
