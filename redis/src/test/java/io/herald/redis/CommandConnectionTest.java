package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one command connection of the edge, ingest and the engines, on a real server and a real 3+3 cluster. */
class CommandConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ClusterOptions CLUSTER = new ClusterOptions(Duration.ofSeconds(10), true, Duration.ofSeconds(1),
            ClusterOptions.LETTUCE_MAX_REDIRECTS, TIMEOUT);

    private final ClientResources resources = RedisClientFactory.resources(RedisClientFactory.reconnectDelay());

    @AfterEach
    void stop() {
        resources.shutdown();
    }

    private CommandConnection connect(RedisEndpoint endpoint) {
        return CommandConnection.create(new RedisClientFactory(endpoint, resources), Timeouts.of(TIMEOUT), CLUSTER);
    }

    @Test
    void opensOnFirstUseAndAgainAfterAFailedOpening() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.kill();
            try (CommandConnection connection = connect(RedisEndpoint.ofUrl(server.url()))) {
                assertThat(connection.isCluster()).isFalse();
                assertThat(connection.where()).isEqualTo("127.0.0.1:" + server.port());
                assertThat(connection.asyncIfOpen()).as("nothing open, nothing to wait for").isNull();
                assertThatThrownBy(connection::async).isInstanceOf(RedisUnavailableException.class)
                        .hasMessageContaining("could not connect to 127.0.0.1:" + server.port());
                assertThat(connection.asyncIfOpen()).as("a failed opening is no connection").isNull();

                server.restart();
                assertThat(connection.async().set("k", "v").get(2, TimeUnit.SECONDS)).isEqualTo("OK");
                assertThat(connection.sync().get("k")).isEqualTo("v");
                assertThat(connection.asyncIfOpen()).isNotNull();
                assertThat(connection.primaries()).containsOnlyKeys("127.0.0.1:" + server.port());
                assertThat(connection.ping().get(2, TimeUnit.SECONDS)).isEqualTo("PONG");
            }
        }
    }

    @Test
    void closingAfterAFailedOpeningThrowsNothing() {
        try (RedisServer server = RedisServer.start()) {
            server.kill();
            CommandConnection connection = connect(RedisEndpoint.ofUrl(server.url()));
            assertThatThrownBy(connection::async).isInstanceOf(RedisUnavailableException.class);
            connection.close();
        }
    }

    @Test
    void onAClusterKeysGoToTheirSlotsPrimaryAndEveryPrimaryIsListedAndPinged() throws Exception {
        try (RedisCluster cluster = RedisCluster.start();
                CommandConnection connection = connect(new RedisEndpoint(null, null, null, null, null,
                        cluster.clusterNodes()))) {
            assertThat(connection.isCluster()).isTrue();
            List<String> keys = List.of("herald:{a}:meta", "herald:{b}:meta", "herald:{c}:meta", "herald:{d}:meta");
            for (String key : keys) {
                assertThat(connection.async().set(key, "x").get(2, TimeUnit.SECONDS)).isEqualTo("OK");
                RedisServer owner = cluster.primaryFor(key);
                RedisClient direct = RedisClient.create(owner.url());
                try (StatefulRedisConnection<String, String> c = direct.connect()) {
                    assertThat(c.sync().get(key)).as("%s on its slot's primary", key).isEqualTo("x");
                } finally {
                    direct.shutdown();
                }
            }
            assertThat(connection.primaries().keySet()).isEqualTo(cluster.primaries().stream()
                    .map(p -> "127.0.0.1:" + p.port()).collect(Collectors.toSet()));
            assertThat(connection.ping().get(5, TimeUnit.SECONDS)).isEqualTo("PONG");

            RedisServer killed = cluster.primaries().get(0);
            killed.kill();
            assertThatThrownBy(() -> connection.ping().get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("127.0.0.1:" + killed.port());
        }
    }
}
