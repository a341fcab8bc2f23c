package io.herald.e2e.support;

import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.redis.RedisDeployment;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.support.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Whole systems for tests: free ports, a fresh work directory under target/, edges checking test tokens, ingest
 * requiring an API key ({@link #PRODUCER_KEY}), as ingest does by default.
 */
public final class Systems {

    /** The producers' API key, for every namespace; {@code Authorization: Bearer <key>}. */
    public static final String PRODUCER_KEY = "e2e-producer-key";
    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);

    private Systems() {
    }

    public static HeraldSystem start(String name, int edges) {
        return start(name, edges, 1);
    }

    /**
     * A system with {@code dispatchers} dispatcher processes in one consumer group, each also given
     * {@code dispatcherArgs}.
     */
    public static HeraldSystem start(String name, int edges, int dispatchers, String... dispatcherArgs) {
        return start(name, edges, dispatchers, RedisServer::start, dispatcherArgs);
    }

    /** Like {@link #start(String, int, int, String...)} on a Redis of the topology {@code redis} starts. */
    public static HeraldSystem start(String name, int edges, int dispatchers, Supplier<? extends RedisDeployment> redis,
            String... dispatcherArgs) {
        return HeraldSystem.start(settings(name, edges).withArgs(HeraldSystem.Service.DISPATCHER, dispatcherArgs),
                dispatchers, redis);
    }

    /**
     * Like {@link #start(String, int, int, String...)} with the default settings changed by {@code tuning} first
     * (more arguments for any kind of service: {@link HeraldSystem.Settings#withArgs}).
     */
    public static HeraldSystem start(String name, int edges, int dispatchers,
            UnaryOperator<HeraldSystem.Settings> tuning) {
        return HeraldSystem.start(tuning.apply(settings(name, edges)), dispatchers, RedisServer::start);
    }

    /**
     * A system with one dispatcher and one redis-server on a Kafka that runs already (a testkit {@code KafkaCluster}):
     * the services create the topics there with their default replication.
     */
    public static HeraldSystem startOn(String kafkaBootstrapServers, String name, int edges) {
        return HeraldSystem.start(settings(name, edges).withKafka(kafkaBootstrapServers));
    }

    private static HeraldSystem.Settings settings(String name, int edges) {
        try {
            Path root = Path.of(System.getProperty("herald.root", "..")).toAbsolutePath().normalize();
            Path work = Files.createTempDirectory(root.resolve("e2e").resolve("target"), name + "-");
            List<Integer> edgePorts = new ArrayList<>();
            for (int i = 0; i < edges; i++) {
                edgePorts.add(FreePort.pick());
            }
            return new HeraldSystem.Settings(root, work, 0, FreePort.pick(), FreePort.pick(), edgePorts,
                    "herald.notifications", 3)
                    .withArgs(HeraldSystem.Service.EDGE, "--herald.edge.auth.hs256-secret=" + TestTokens.SECRET)
                    .withArgs(HeraldSystem.Service.INGEST, "--herald.ingest.auth.keys[0].name=e2e",
                            "--herald.ingest.auth.keys[0].sha256=" + sha256(PRODUCER_KEY),
                            "--herald.ingest.auth.keys[0].namespaces=*");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The edge's WebSocket URL with a token for {@code user} (user:{user} is always allowed; broadcast is public). */
    public static URI ws(HeraldSystem system, int edge, String user) {
        return URI.create(system.edgeWs(edge) + "?access_token=" + TOKENS.token(user));
    }
}
