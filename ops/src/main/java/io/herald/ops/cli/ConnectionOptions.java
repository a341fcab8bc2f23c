package io.herald.ops.cli;

import io.herald.dispatcher.engine.KafkaAccess;
import io.herald.dispatcher.engine.RedisAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where Herald runs. Every option falls back to an environment variable ({@code HERALD_*}) and then to the
 * development default, so that an SRE exports them once per environment.
 */
public final class ConnectionOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:HERALD_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env HERALD_BOOTSTRAP_SERVERS, default: ${DEFAULT-VALUE}).")
    public String bootstrapServers;

    @Option(names = "--redis-url", paramLabel = "URL", defaultValue = "${env:HERALD_REDIS_URL:-redis://127.0.0.1:6379}",
            description = "Redis URL (env HERALD_REDIS_URL, default: ${DEFAULT-VALUE}).")
    public String redisUrl;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "${env:HERALD_TOPIC:-herald.notifications}",
            description = "Notifications topic; dead letters are in <topic>.DLT (env HERALD_TOPIC, default: ${DEFAULT-VALUE}).")
    public String topic;

    @Option(names = "--group", paramLabel = "ID", defaultValue = "${env:HERALD_GROUP:-herald-dispatcher}",
            description = "The dispatcher's consumer group, only ever read (env HERALD_GROUP, default: ${DEFAULT-VALUE}).")
    public String group;

    @Option(names = "--dispatcher-url", paramLabel = "URL", defaultValue = "${env:HERALD_DISPATCHER_URL}",
            description = "Dispatcher base URL, e.g. http://dispatcher:8082: health, and the admin API for --via-dispatcher (env HERALD_DISPATCHER_URL).")
    public String dispatcherUrl;

    @Option(names = "--edge-url", paramLabel = "URL", split = ",", defaultValue = "${env:HERALD_EDGE_URLS}",
            description = "Edge base URL, e.g. http://edge-1:8081; repeat or separate with commas (env HERALD_EDGE_URLS).")
    public List<String> edgeUrls = new ArrayList<>();

    @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:HERALD_ADMIN_TOKEN}",
            description = "Bearer token of the dispatcher's admin API (env HERALD_ADMIN_TOKEN).")
    public String adminToken;

    @Option(names = "--sharded-pubsub", defaultValue = "${env:HERALD_SHARDED_PUBSUB:-false}",
            description = "Redis Cluster sharded pub/sub (SPUBLISH), as the dispatcher's herald.dispatcher.sharded-pubsub (env HERALD_SHARDED_PUBSUB).")
    public boolean shardedPubsub;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "${env:HERALD_TIMEOUT:-10s}",
            converter = DurationConverter.class,
            description = "Longest wait for one call to Kafka, Redis or a service (env HERALD_TIMEOUT, default: ${DEFAULT-VALUE}).")
    public Duration timeout;

    public KafkaAccess kafka() {
        return KafkaAccess.of(bootstrapServers, topic, timeout);
    }

    public RedisAccess redis() {
        try {
            return RedisAccess.of(redisUrl, timeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "--redis-url: " + e.getMessage());
        }
    }

    public List<String> edges() {
        return edgeUrls == null ? List.of() : edgeUrls.stream().filter(u -> !u.isBlank()).toList();
    }
}
