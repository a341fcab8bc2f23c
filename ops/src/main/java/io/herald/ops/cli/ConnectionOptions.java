package io.herald.ops.cli;

import io.herald.core.envelope.EnvelopeLimits;
import io.herald.redis.RedisEndpoint;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.engine.retention.RetentionPolicy;
import io.herald.ops.config.DispatcherConfig;
import io.herald.ops.config.InvalidDispatcherConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where Herald runs, and the dispatcher's settings. Every option falls back to an environment variable
 * ({@code HERALD_*}), then to the dispatcher's own configuration ({@code --dispatcher-config}, read with the
 * dispatcher's environment variables: {@link DispatcherConfig}) and then to the development default, so that an SRE
 * points heraldctl at the dispatcher's configuration once per environment and restates none of it.
 */
public final class ConnectionOptions {

    private static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    private static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    private static final String DEFAULT_TOPIC = "herald.notifications";
    private static final String DEFAULT_GROUP = "herald-dispatcher";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--dispatcher-config", paramLabel = "FILE", defaultValue = "${env:HERALD_DISPATCHER_CONFIG}",
            description = "The dispatcher's configuration file (its application.yml or dispatcher.yml, or .properties),"
                    + " read with the dispatcher's environment variables (HERALD_DISPATCHER_*, HERALD_ENVELOPE_*,"
                    + " SPRING_KAFKA_*, SPRING_DATA_REDIS_*), which win over it as in the dispatcher. Gives the"
                    + " retention per namespace, herald.envelope.max-data-bytes and, unless the options below say"
                    + " otherwise, where Kafka and Redis are, the topic and the group (env HERALD_DISPATCHER_CONFIG).")
    public Path dispatcherConfig;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "${env:HERALD_BOOTSTRAP_SERVERS}",
            description = "Kafka bootstrap servers (env HERALD_BOOTSTRAP_SERVERS, else the dispatcher's"
                    + " spring.kafka.bootstrap-servers, default: " + DEFAULT_BOOTSTRAP_SERVERS + ").")
    public String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:HERALD_KAFKA_CONFIG}",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*), as Kafka's own tools take them"
                    + " with --command-config; they override the dispatcher's spring.kafka.properties.* (env HERALD_KAFKA_CONFIG).")
    public Path kafkaConfig;

    @Option(names = "--redis-url", paramLabel = "URL", defaultValue = "${env:HERALD_REDIS_URL}",
            description = "Redis URL (env HERALD_REDIS_URL, else the dispatcher's spring.data.redis.*, default: "
                    + DEFAULT_REDIS_URL + ").")
    public String redisUrl;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "${env:HERALD_TOPIC}",
            description = "Notifications topic; dead letters are in <topic>.DLT (env HERALD_TOPIC, else the dispatcher's"
                    + " herald.kafka.topic, default: " + DEFAULT_TOPIC + ").")
    public String topic;

    @Option(names = "--group", paramLabel = "ID", defaultValue = "${env:HERALD_GROUP}",
            description = "The dispatcher's consumer group, only ever read (env HERALD_GROUP, else the dispatcher's"
                    + " herald.dispatcher.group-id, default: " + DEFAULT_GROUP + ").")
    public String group;

    @Option(names = "--dispatcher-url", paramLabel = "URL", defaultValue = "${env:HERALD_DISPATCHER_URL}",
            description = "The dispatcher's admin API, e.g. http://dispatcher:8082, for --via-dispatcher (env HERALD_DISPATCHER_URL).")
    public String dispatcherUrl;

    @Option(names = "--dispatcher-management-url", paramLabel = "URL", defaultValue = "${env:HERALD_DISPATCHER_MANAGEMENT_URL}",
            description = "The dispatcher's management port, e.g. http://dispatcher:9082, for its health in status"
                    + " (env HERALD_DISPATCHER_MANAGEMENT_URL).")
    public String dispatcherManagementUrl;

    @Option(names = "--edge-url", paramLabel = "URL", split = ",", defaultValue = "${env:HERALD_EDGE_URLS}",
            description = "An edge's management port, e.g. http://edge-1:9081, for its health and connections in status;"
                    + " repeat or separate with commas (env HERALD_EDGE_URLS).")
    public List<String> edgeUrls = new ArrayList<>();

    @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:HERALD_ADMIN_TOKEN}",
            description = "Bearer token of the dispatcher's admin API (env HERALD_ADMIN_TOKEN).")
    public String adminToken;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "${env:HERALD_TIMEOUT:-10s}",
            converter = DurationConverter.class,
            description = "Longest wait for one call to Kafka, Redis or a service (env HERALD_TIMEOUT, default: ${DEFAULT-VALUE}).")
    public Duration timeout;

    private DispatcherConfig dispatcher;

    /** The dispatcher's configuration, read once per command. */
    public DispatcherConfig dispatcher() {
        if (dispatcher == null) {
            dispatcher = usage(() -> DispatcherConfig.load(dispatcherConfig, System.getenv()));
        }
        return dispatcher;
    }

    /** The dispatcher's retention per namespace. */
    public RetentionPolicy retention() {
        return usage(() -> dispatcher().retention());
    }

    /** The dispatcher's envelope limits: what it dead-letters as too large. */
    public EnvelopeLimits envelopeLimits() {
        return usage(() -> dispatcher().envelopeLimits());
    }

    /** Where Redis is: on a Redis Cluster, the engine counts sharded subscribers and publishes with SPUBLISH. */
    public RedisEndpoint redisEndpoint() {
        if (!blank(redisUrl)) {
            try {
                return RedisEndpoint.ofUrl(redisUrl);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command.commandLine(), "--redis-url: " + e.getMessage());
            }
        }
        return usage(() -> dispatcher().redis()).orElseGet(() -> RedisEndpoint.ofUrl(DEFAULT_REDIS_URL));
    }

    public String topic() {
        return blank(topic) ? usage(() -> dispatcher().topic()).orElse(DEFAULT_TOPIC) : topic;
    }

    public String group() {
        return blank(group) ? usage(() -> dispatcher().group()).orElse(DEFAULT_GROUP) : group;
    }

    public KafkaAccess kafka() {
        return new KafkaAccess(kafkaClientConfig(), topic(), timeout);
    }

    /**
     * What every Kafka client of heraldctl takes: the dispatcher's {@code spring.kafka.properties.*}, then
     * {@code --kafka-config}, then the bootstrap servers.
     */
    public Map<String, Object> kafkaClientConfig() {
        Map<String, Object> config = new HashMap<>(usage(() -> dispatcher().kafkaProperties()));
        if (kafkaConfig != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(kafkaConfig)) {
                file.load(reader);
            } catch (IOException e) {
                throw new ParameterException(command.commandLine(), "--kafka-config: cannot read " + kafkaConfig + ": " + e.getMessage());
            }
            file.forEach((key, value) -> config.put(String.valueOf(key), value));
        }
        String servers = blank(bootstrapServers)
                ? usage(() -> dispatcher().bootstrapServers()).orElse(DEFAULT_BOOTSTRAP_SERVERS) : bootstrapServers;
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
        return config;
    }

    public RedisAccess redis() {
        RedisEndpoint endpoint = redisEndpoint();
        try {
            return RedisAccess.of(endpoint, timeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), (blank(redisUrl) ? "redis: " : "--redis-url: ") + e.getMessage());
        }
    }

    /** A setting of the dispatcher's configuration that does not read is a usage error naming it. */
    private <T> T usage(Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidDispatcherConfigException | IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "--dispatcher-config"
                    + (dispatcherConfig == null ? " (none: environment variables only)" : " " + dispatcherConfig)
                    + ": " + e.getMessage());
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    public List<String> edges() {
        return edgeUrls == null ? List.of() : edgeUrls.stream().filter(u -> !u.isBlank()).toList();
    }
}
