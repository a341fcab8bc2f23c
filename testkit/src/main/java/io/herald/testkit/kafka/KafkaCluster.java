package io.herald.testkit.kafka;

import io.herald.testkit.support.Dirs;
import io.herald.testkit.support.FreePort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster of KRaft nodes on 127.0.0.1, each its own JVM ({@link KafkaBrokerProcess}), so that
 * {@link #kill(int)} is a real SIGKILL of one broker while the others carry on. Start it once per test class:
 * the nodes start side by side and are up in about the time one broker takes.
 *
 * <p><b>Combined nodes.</b> Every node is broker and controller ({@code process.roles=broker,controller}), and the
 * nodes are the controller quorum's voters. Separate controllers would need three more JVMs (a quorum that survives
 * the loss of one needs three voters) on machines that have two cores for a whole system under test; with combined
 * nodes the cluster costs three JVMs, and killing a node may also kill the active controller, which is the harder
 * case for the clients (a controller election on top of a leader election) and the one a small production cluster
 * of combined nodes meets.
 *
 * <p><b>Settings.</b> Each node has {@link KafkaBroker}'s test settings; in particular a dead broker is fenced, and
 * its partitions get new leaders, after {@code broker.session.timeout.ms=3000} (Kafka's default is 9 s). The
 * internal topics (group offsets, transaction state) are on every node with min ISR 2; topics that others create
 * get Kafka's own defaults (replication factor 1, min ISR 1), so that a test sees the replication its creator asked
 * for.
 *
 * <p>Node IDs count from 1. Ports and data survive {@link #kill} and {@link #restart}; the directory is deleted at
 * {@link #close()}, which kills every node (no clean shutdown: the data goes anyway). Thread-safe.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 3;

    private final Path dir;
    private final Map<Integer, KafkaBrokerProcess> nodes;
    private final String bootstrapServers;
    private final Admin admin;

    private KafkaCluster(Path dir, Map<Integer, KafkaBrokerProcess> nodes) {
        this.dir = dir;
        this.nodes = nodes;
        this.bootstrapServers = nodes.values().stream().map(KafkaBrokerProcess::bootstrapServers)
                .collect(Collectors.joining(","));
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "herald-testkit-cluster-admin",
                // a dead node must not hold a question for the default 60 s: ask another one sooner
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000"));
    }

    /** Starts {@code size} nodes (3 for a cluster that survives losing one) on a temporary directory. */
    public static KafkaCluster start(int size) {
        for (int attempt = 1; ; attempt++) {
            Path dir = Dirs.createTemp("herald-kafka-cluster-");
            try {
                return start(dir, size);
            } catch (RuntimeException | AssertionError e) {
                Dirs.deleteRecursively(dir);
                // Free ports are only probed, so another process may bind one first: start again on other ports.
                if (attempt < BIND_ATTEMPTS && String.valueOf(e.getMessage()).contains("Address already in use")) {
                    log.warn("kafka cluster port taken, retrying attempt={}", attempt);
                    continue;
                }
                throw e;
            }
        }
    }

    private static KafkaCluster start(Path dir, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + size);
        }
        long started = System.nanoTime();
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
        for (int id = 1; id <= size; id++) {
            ports.put(id, FreePort.pick());
            controllerPorts.put(id, FreePort.pick());
        }
        String voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        Map<Integer, KafkaBrokerProcess> nodes = new LinkedHashMap<>();
        try {
            // every node first: none is ready before a majority of the voters runs
            for (int id = 1; id <= size; id++) {
                nodes.put(id, KafkaBrokerProcess.spawnNode(dir.resolve("node-" + id), ports.get(id),
                        dir.resolve("node-" + id + ".log"),
                        List.of("--node-id", String.valueOf(id), "--controller-port", String.valueOf(controllerPorts.get(id)),
                                "--cluster-id", clusterId, "--voters", voters)));
            }
            nodes.values().forEach(KafkaBrokerProcess::awaitReady);
        } catch (RuntimeException | AssertionError e) {
            nodes.values().forEach(KafkaCluster::killQuietly);
            throw e;
        }
        KafkaCluster cluster = new KafkaCluster(dir, nodes);
        cluster.awaitBrokers(size);
        log.info("kafka cluster started nodes={} bootstrap={} startupMs={}", size, cluster.bootstrapServers,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return cluster;
    }

    /** Every node's {@code 127.0.0.1:<port>}, comma-separated, for {@code bootstrap.servers}; the same after restarts. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The node IDs, from 1. */
    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /** The node's own {@code 127.0.0.1:<port>}. */
    public String bootstrapServersOf(int node) {
        return node(node).bootstrapServers();
    }

    public boolean isAlive(int node) {
        return node(node).process().isAlive();
    }

    /** The child JVM of a node, for its pid and its log. */
    public KafkaBrokerProcess process(int node) {
        return node(node);
    }

    /** SIGKILL of one node, as in a crash; returns once the process is gone. */
    public void kill(int node) {
        node(node).kill();
        log.info("kafka node killed node={}", node);
    }

    /** Starts a node again on its data and ports, after {@link #kill}; waits until it accepts clients. */
    public void restart(int node) {
        long started = System.nanoTime();
        node(node).restart();
        log.info("kafka node restarted node={} startupMs={}", node, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /**
     * Creates a topic with {@code replicationFactor} replicas and the given topic configs ({@code min.insync.replicas},
     * ...); an existing topic is left as it is. Returns once every partition has a leader.
     */
    public void createTopic(String topic, int partitions, int replicationFactor, Map<String, String> configs) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replicationFactor).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + topic + " not created within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        awaitPartitions(topic, "every partition has a leader", p -> p.leader() != null && !p.leader().isEmpty());
    }

    /** The topic as the cluster describes it now: per partition its leader, replicas and ISR. */
    public TopicDescription describe(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The node leading {@code topic}'s {@code partition} now, or -1 while it has none. */
    public int leaderOf(String topic, int partition) {
        Node leader = partitionInfo(topic, partition).leader();
        return leader == null || leader.isEmpty() ? -1 : leader.id();
    }

    /** The node that is the active controller now (the leader of the metadata quorum). */
    public int activeController() {
        try {
            return admin.describeMetadataQuorum().quorumInfo().get(15, TimeUnit.SECONDS).leaderId();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the metadata quorum: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The in-sync replicas of {@code topic}'s {@code partition} now, by node ID. */
    public List<Integer> isrOf(String topic, int partition) {
        return partitionInfo(topic, partition).isr().stream().map(Node::id).sorted().toList();
    }

    /** A topic config as the cluster applies it to {@code topic} (the topic's own value, else the broker's default). */
    public Optional<String> topicConfig(String topic, String name) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            ConfigEntry entry = admin.describeConfigs(List.of(resource)).all().get(15, TimeUnit.SECONDS).get(resource).get(name);
            return Optional.ofNullable(entry == null ? null : entry.value());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the configs of topic " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code topic}'s {@code partition} is led by a node that {@code leader} accepts; returns it. */
    public int awaitLeader(String topic, int partition, IntPredicate leader) {
        int[] found = {-1};
        Awaitility.await("leader of " + topic + "-" + partition).atMost(WAIT).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    found[0] = leaderOf(topic, partition);
                    return found[0] >= 0 && leader.test(found[0]);
                });
        return found[0];
    }

    /** Waits until every partition of {@code topic} has exactly {@code size} in-sync replicas. */
    public void awaitIsrSize(String topic, int size) {
        awaitPartitions(topic, "every partition has " + size + " in-sync replicas", p -> p.isr().size() == size);
    }

    /** Waits until {@code node} is in the ISR of every partition of {@code topic} it holds a replica of. */
    public void awaitInSync(String topic, int node) {
        awaitPartitions(topic, "node " + node + " in sync", p -> p.replicas().stream().noneMatch(r -> r.id() == node)
                || p.isr().stream().anyMatch(r -> r.id() == node));
    }

    @Override
    public String toString() {
        return "KafkaCluster[" + bootstrapServers + ", dir=" + dir + "]";
    }

    /** Kills every node (the data is deleted with the directory, so a clean shutdown buys nothing). */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        nodes.values().forEach(KafkaCluster::killQuietly);
        Dirs.deleteRecursively(dir);
    }

    private KafkaBrokerProcess node(int node) {
        KafkaBrokerProcess process = nodes.get(node);
        if (process == null) {
            throw new IllegalArgumentException("no node " + node + " in " + nodes.keySet());
        }
        return process;
    }

    private TopicPartitionInfo partitionInfo(String topic, int partition) {
        return describe(topic).partitions().stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(topic + " has no partition " + partition));
    }

    private void awaitPartitions(String topic, String what, Predicate<TopicPartitionInfo> condition) {
        Awaitility.await(topic + ": " + what).atMost(WAIT).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> describe(topic).partitions().stream().allMatch(condition));
    }

    private void awaitBrokers(int size) {
        Awaitility.await("all " + size + " brokers registered").atMost(WAIT).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == size);
    }

    private static void killQuietly(KafkaBrokerProcess node) {
        try {
            if (node.process() != null && node.process().isAlive()) {
                node.kill();
            }
        } catch (RuntimeException | AssertionError e) {
            log.warn("kafka node not killed node={} error={}", node, e.toString());
        }
    }
}
