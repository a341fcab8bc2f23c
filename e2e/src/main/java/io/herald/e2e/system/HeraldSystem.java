package io.herald.e2e.system;

import io.herald.testkit.kafka.KafkaBrokerProcess;
import io.herald.testkit.redis.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole of Herald as separate OS processes: a Kafka broker (KRaft, own JVM, data in a directory that
 * survives restarts), a redis-server, ingest, dispatcher and one or more edges, each from its executable jar.
 * The e2e tests drive and break it; the dev mode runs it for people.
 */
public final class HeraldSystem implements AutoCloseable {

    private final KafkaBrokerProcess kafka;
    private final RedisServer redis;
    private final ServiceProcess ingest;
    private final ServiceProcess dispatcher;
    private final List<ServiceProcess> edges;

    private HeraldSystem(KafkaBrokerProcess kafka, RedisServer redis, ServiceProcess ingest, ServiceProcess dispatcher,
            List<ServiceProcess> edges) {
        this.kafka = kafka;
        this.redis = redis;
        this.ingest = ingest;
        this.dispatcher = dispatcher;
        this.edges = edges;
    }

    /**
     * Starts everything and waits until each part is ready.
     *
     * @param settings ports, directories and counts
     */
    public static HeraldSystem start(Settings settings) {
        Jars jars = new Jars(settings.root());
        Path logs = settings.workDir().resolve("logs");
        createDirectories(logs);
        KafkaBrokerProcess kafka = null;
        RedisServer redis = null;
        List<ServiceProcess> started = new ArrayList<>();
        try {
            kafka = KafkaBrokerProcess.start(settings.workDir().resolve("kafka"), settings.kafkaPort(), logs.resolve("kafka.log"));
            redis = RedisServer.start();
            String kafkaArg = "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers();
            String redisArg = "--spring.data.redis.url=" + redis.url();
            String topicArg = "--herald.kafka.topic=" + settings.topic();
            String partitionsArg = "--herald.kafka.partitions=" + settings.partitions();

            ServiceProcess dispatcher = new ServiceProcess("dispatcher", jars.exec("dispatcher"), settings.dispatcherPort(),
                    settings.argsOf(Service.DISPATCHER, kafkaArg, redisArg, topicArg, partitionsArg,
                            // static membership: a restarted dispatcher takes its partitions back at once
                            "--spring.kafka.consumer.properties[group.instance.id]=herald-dispatcher-1"),
                    logs.resolve("dispatcher.log"));
            started.add(dispatcher);
            dispatcher.start();
            ServiceProcess ingest = new ServiceProcess("ingest", jars.exec("ingest"), settings.ingestPort(),
                    settings.argsOf(Service.INGEST, kafkaArg, redisArg, topicArg, partitionsArg), logs.resolve("ingest.log"));
            started.add(ingest);
            ingest.start();
            List<ServiceProcess> edges = new ArrayList<>();
            for (int i = 0; i < settings.edges(); i++) {
                String name = "edge-" + (char) ('a' + i);
                ServiceProcess edge = new ServiceProcess(name, jars.exec("websocket-edge"), settings.edgePorts().get(i),
                        settings.argsOf(Service.EDGE, kafkaArg, redisArg, topicArg, "--herald.edge.node-id=" + name),
                        logs.resolve(name + ".log"));
                started.add(edge);
                edge.start();
                edges.add(edge);
            }
            return new HeraldSystem(kafka, redis, ingest, dispatcher, List.copyOf(edges));
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

    public KafkaBrokerProcess kafka() {
        return kafka;
    }

    public RedisServer redis() {
        return redis;
    }

    public ServiceProcess ingest() {
        return ingest;
    }

    public ServiceProcess dispatcher() {
        return dispatcher;
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
        dispatcher.close();
        redis.close();
        kafka.close();
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
     * @param dispatcherPort the dispatcher's HTTP (admin/actuator) port
     * @param edgePorts      one port per edge
     * @param topic          the notifications topic
     * @param partitions     its partition count
     * @param extraArgs      more command-line arguments per kind of service (e.g. the dev mode's auth settings),
     *                       after the ones the system sets, so they can override them
     */
    public record Settings(Path root, Path workDir, int kafkaPort, int ingestPort, int dispatcherPort,
            List<Integer> edgePorts, String topic, int partitions, Map<Service, List<String>> extraArgs) {

        public Settings {
            extraArgs = Map.copyOf(extraArgs);
        }

        public Settings(Path root, Path workDir, int kafkaPort, int ingestPort, int dispatcherPort,
                List<Integer> edgePorts, String topic, int partitions) {
            this(root, workDir, kafkaPort, ingestPort, dispatcherPort, edgePorts, topic, partitions, Map.of());
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
            return new Settings(root, workDir, kafkaPort, ingestPort, dispatcherPort, edgePorts, topic, partitions, all);
        }

        List<String> argsOf(Service service, String... systemArgs) {
            List<String> args = new ArrayList<>(List.of(systemArgs));
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
