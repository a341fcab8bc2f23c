package io.herald.e2e.system;

import io.herald.testkit.kafka.KafkaBrokerProcess;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisDeployment;
import io.herald.testkit.redis.RedisSentinelGroup;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.support.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The whole of Herald as separate OS processes: a Kafka broker (KRaft, own JVM, data in a directory that
 * survives restarts), a redis-server, ingest, one or more dispatchers (one consumer group) and one or more edges,
 * each from its executable jar. The e2e tests drive and break it; the dev mode runs it for people. Instead of its
 * own broker it can use a Kafka that runs already ({@link Settings#withKafka(String)}, e.g. a testkit
 * {@code KafkaCluster}); the caller then owns that Kafka, and {@link #kafka()} is not available.
 */
public final class HeraldSystem implements AutoCloseable {

    private final KafkaBrokerProcess kafka;
    private final String kafkaBootstrapServers;
    private final RedisDeployment redis;
    private final ServiceProcess ingest;
    private final List<ServiceProcess> dispatchers;
    private final List<ServiceProcess> edges;

    private HeraldSystem(KafkaBrokerProcess kafka, String kafkaBootstrapServers, RedisDeployment redis, ServiceProcess ingest,
            List<ServiceProcess> dispatchers, List<ServiceProcess> edges) {
        this.kafka = kafka;
        this.kafkaBootstrapServers = kafkaBootstrapServers;
        this.redis = redis;
        this.ingest = ingest;
        this.dispatchers = dispatchers;
        this.edges = edges;
    }

    /**
     * Starts everything, with one dispatcher, and waits until each part is ready.
     *
     * @param settings ports, directories and counts
     */
    public static HeraldSystem start(Settings settings) {
        return start(settings, 1);
    }

    /**
     * Starts everything with {@code dispatchers} dispatcher processes in the one consumer group, and waits until
     * each part is ready. The first listens on {@link Settings#dispatcherPort()}, the others on free ports; each
     * has its own static membership ID ({@code herald-dispatcher-<n>}, counting from 1) and log file.
     *
     * @param settings    ports, directories and counts
     * @param dispatchers how many dispatcher processes, at least 1
     */
    public static HeraldSystem start(Settings settings, int dispatchers) {
        return start(settings, dispatchers, RedisServer::start);
    }

    /**
     * Like {@link #start(Settings, int)} on a Redis of any topology (a Sentinel group, a cluster) that
     * {@code redis} starts; the services get its {@link RedisDeployment#springArgs()}.
     */
    public static HeraldSystem start(Settings settings, int dispatchers, Supplier<? extends RedisDeployment> redisStarter) {
        if (dispatchers < 1) {
            throw new IllegalArgumentException("at least one dispatcher, not " + dispatchers);
        }
        Jars jars = new Jars(settings.root());
        Path logs = settings.workDir().resolve("logs");
        createDirectories(logs);
        KafkaBrokerProcess kafka = null;
        RedisDeployment redis = null;
        List<ServiceProcess> started = new ArrayList<>();
        try {
            String bootstrap = settings.kafkaBootstrapServers();
            if (bootstrap == null) {
                kafka = KafkaBrokerProcess.start(settings.workDir().resolve("kafka"), settings.kafkaPort(), logs.resolve("kafka.log"));
                bootstrap = kafka.bootstrapServers();
            }
            redis = redisStarter.get();
            String[] redisArgs = redis.springArgs().toArray(String[]::new);
            String kafkaArg = "--spring.kafka.bootstrap-servers=" + bootstrap;
            String topicArg = "--herald.kafka.topic=" + settings.topic();
            String partitionsArg = "--herald.kafka.partitions=" + settings.partitions();

            List<ServiceProcess> dispatcherList = new ArrayList<>();
            for (int i = 1; i <= dispatchers; i++) {
                String name = i == 1 ? "dispatcher" : "dispatcher-" + i;
                int port = i == 1 ? settings.dispatcherPort() : FreePort.pick();
                ServiceProcess dispatcher = new ServiceProcess(name, jars.exec("dispatcher"), port,
                        settings.managementPortOf(port),
                        settings.argsOf(Service.DISPATCHER, redisArgs, kafkaArg, topicArg, partitionsArg,
                                // static membership: a restarted dispatcher takes its partitions back at once
                                "--spring.kafka.consumer.properties[group.instance.id]=herald-dispatcher-" + i),
                        logs.resolve(name + ".log"));
                started.add(dispatcher);
                dispatcher.start();
                dispatcherList.add(dispatcher);
            }
            // the first dispatcher has declared the topics; ingest and the edges then start side by side
            ServiceProcess ingest = new ServiceProcess("ingest", jars.exec("ingest"), settings.ingestPort(),
                    settings.managementPortOf(settings.ingestPort()),
                    settings.argsOf(Service.INGEST, redisArgs, kafkaArg, topicArg, partitionsArg), logs.resolve("ingest.log"));
            started.add(ingest);
            ingest.launch();
            List<ServiceProcess> edges = new ArrayList<>();
            for (int i = 0; i < settings.edges(); i++) {
                String name = "edge-" + (char) ('a' + i);
                ServiceProcess edge = new ServiceProcess(name, jars.exec("websocket-edge"), settings.edgePorts().get(i),
                        settings.managementPortOf(settings.edgePorts().get(i)),
                        settings.argsOf(Service.EDGE, redisArgs, kafkaArg, topicArg, "--herald.edge.node-id=" + name),
                        logs.resolve(name + ".log"));
                started.add(edge);
                edge.launch();
                edges.add(edge);
            }
            ingest.awaitStarted();
            edges.forEach(ServiceProcess::awaitStarted);
            return new HeraldSystem(kafka, bootstrap, redis, ingest, List.copyOf(dispatcherList), List.copyOf(edges));
        } catch (RuntimeException | AssertionError e) {
            started.forEach(ServiceProcess::close);
            if (redis != null) {
                redis.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    /**
     * The system's own broker.
     *
     * @throws IllegalStateException when the system runs on a Kafka given by {@link Settings#withKafka(String)}
     */
    public KafkaBrokerProcess kafka() {
        if (kafka == null) {
            throw new IllegalStateException("this system runs on an external Kafka (" + kafkaBootstrapServers
                    + "): control it through whatever started it");
        }
        return kafka;
    }

    /** The bootstrap servers every service uses: the system's own broker's, or the external Kafka's. */
    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    /** The one redis-server of a system started on a single server (the default). */
    public RedisServer redis() {
        return redis(RedisServer.class);
    }

    /** The system's Redis as the topology it was started with ({@link RedisSentinelGroup}, {@link RedisCluster}...). */
    public <T extends RedisDeployment> T redis(Class<T> topology) {
        if (!topology.isInstance(redis)) {
            throw new IllegalStateException("this system runs Redis as " + redis.getClass().getSimpleName()
                    + ", not " + topology.getSimpleName());
        }
        return topology.cast(redis);
    }

    public ServiceProcess ingest() {
        return ingest;
    }

    /** The first dispatcher (the only one unless the system was started with more). */
    public ServiceProcess dispatcher() {
        return dispatchers.get(0);
    }

    /** Dispatcher {@code index}, counting from 0; its static membership ID is {@code herald-dispatcher-<index + 1>}. */
    public ServiceProcess dispatcher(int index) {
        return dispatchers.get(index);
    }

    public List<ServiceProcess> dispatchers() {
        return dispatchers;
    }

    public ServiceProcess edge(int index) {
        return edges.get(index);
    }

    public List<ServiceProcess> edges() {
        return edges;
    }

    public URI ingestUri() {
        return URI.create("http://127.0.0.1:" + ingest.port());
    }

    public URI edgeWs(int index) {
        return URI.create("ws://127.0.0.1:" + edges.get(index).port() + "/ws");
    }

    @Override
    public void close() {
        edges.forEach(ServiceProcess::close);
        ingest.close();
        dispatchers.forEach(ServiceProcess::close);
        redis.close();
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The kinds of service, for {@link Settings#extraArgs()}. */
    public enum Service {
        INGEST, DISPATCHER, EDGE
    }

    /**
     * @param root           the project's root directory (where the modules' target/ folders are)
     * @param workDir        where the broker's data and the logs go
     * @param kafkaPort      the broker's client port, 0 for any free one
     * @param ingestPort     ingest's HTTP port
     * @param dispatcherPort the dispatcher's HTTP (admin API) port
     * @param edgePorts      one port per edge
     * @param topic          the notifications topic
     * @param partitions     its partition count
     * @param extraArgs      more command-line arguments per kind of service (e.g. the dev mode's auth settings),
     *                       after the ones the system sets, so they can override them
     * @param managementPortOffset where each service's health and metrics listen ({@code management.server.port}):
     *                       0 for a free port each, otherwise the service's port plus this (the dev mode's 1000
     *                       gives 9080, 9081 and 9082, the services' defaults)
     * @param kafkaBootstrapServers a Kafka that runs already, or {@code null} for a broker of the system's own (on
     *                       {@code kafkaPort})
     */
    public record Settings(Path root, Path workDir, int kafkaPort, int ingestPort, int dispatcherPort,
            List<Integer> edgePorts, String topic, int partitions, Map<Service, List<String>> extraArgs,
            int managementPortOffset, String kafkaBootstrapServers) {

        public Settings {
            extraArgs = Map.copyOf(extraArgs);
        }

        public Settings(Path root, Path workDir, int kafkaPort, int ingestPort, int dispatcherPort,
                List<Integer> edgePorts, String topic, int partitions) {
            this(root, workDir, kafkaPort, ingestPort, dispatcherPort, edgePorts, topic, partitions, Map.of(), 0, null);
        }

        /** The same settings with each management port at the service's port plus {@code offset}. */
        public Settings withManagementPortOffset(int offset) {
            return new Settings(root, workDir, kafkaPort, ingestPort, dispatcherPort, edgePorts, topic, partitions,
                    extraArgs, offset, kafkaBootstrapServers);
        }

        /** The same settings on a Kafka that runs already ({@code host:port,...}) instead of a broker of the system's own. */
        public Settings withKafka(String bootstrapServers) {
            return new Settings(root, workDir, kafkaPort, ingestPort, dispatcherPort, edgePorts, topic, partitions,
                    extraArgs, managementPortOffset, bootstrapServers);
        }

        int managementPortOf(int servicePort) {
            return managementPortOffset == 0 ? FreePort.pick() : servicePort + managementPortOffset;
        }

        public int edges() {
            return edgePorts.size();
        }

        /** The same settings with {@code args} added for every service of that kind. */
        public Settings withArgs(Service service, String... args) {
            Map<Service, List<String>> all = new EnumMap<>(Service.class);
            all.putAll(extraArgs);
            List<String> merged = new ArrayList<>(all.getOrDefault(service, List.of()));
            merged.addAll(List.of(args));
            all.put(service, List.copyOf(merged));
            return new Settings(root, workDir, kafkaPort, ingestPort, dispatcherPort, edgePorts, topic, partitions, all,
                    managementPortOffset, kafkaBootstrapServers);
        }

        List<String> argsOf(Service service, String[] redisArgs, String... systemArgs) {
            List<String> args = new ArrayList<>(List.of(redisArgs));
            args.addAll(List.of(systemArgs));
            args.addAll(extraArgs.getOrDefault(service, List.of()));
            return args;
        }
    }

    /** Finds the services' executable jars, built by {@code ./mvnw package}. */
    static final class Jars {
        private final Path root;

        Jars(Path root) {
            this.root = root;
        }

        Path exec(String module) {
            Path target = root.resolve(module).resolve("target");
            try (Stream<Path> files = Files.list(target)) {
                return files.filter(p -> p.getFileName().toString().matches("herald-" + module + "-.*-exec\\.jar"))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("no executable jar in " + target
                                + "; build it first: ./mvnw -DskipTests package"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + target + "; build first: ./mvnw -DskipTests package", e);
            }
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
