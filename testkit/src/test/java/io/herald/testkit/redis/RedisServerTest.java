package io.herald.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.testkit.RoundTrips;
import io.herald.testkit.junit.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@WithRedis
class RedisServerTest {

    private static final RedisClient client = RedisClient.create();

    private final RedisServer redis;

    RedisServerTest(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeAll
    static void serverIsUpBeforeAll(RedisServer redis) {
        assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
        assertThat(redis.port()).isNotEqualTo(6379);
    }

    @AfterAll
    static void shutdownClient() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Test
    void answersAndStoresData() {
        RoundTrips.redis(redis.url());
        assertThat(redis.controllable()).isTrue();
        assertThat(redis.logFile()).exists();
    }

    @Test
    void killStopsTheServerAndRestartBringsItBackEmptyOnTheSamePort() {
        try (StatefulRedisConnection<String, String> connection = client.connect(RedisURI.create(redis.url()))) {
            connection.sync().set("kept?", "no");
        }
        int port = redis.port();

        redis.kill();

        assertThatThrownBy(() -> client.connect(RedisURI.create(redis.url())))
                .isInstanceOf(RedisConnectionException.class);

        redis.restart();

        assertThat(redis.port()).isEqualTo(port);
        try (StatefulRedisConnection<String, String> connection = client.connect(RedisURI.create(redis.url()))) {
            assertThat(connection.sync().ping()).isEqualTo("PONG");
            assertThat(connection.sync().dbsize()).isZero();
        }
    }

    @Test
    void restartOfARunningServerEmptiesIt() {
        try (StatefulRedisConnection<String, String> connection = client.connect(RedisURI.create(redis.url()))) {
            connection.sync().set("kept?", "no");
        }

        redis.restart();

        try (StatefulRedisConnection<String, String> connection = client.connect(RedisURI.create(redis.url()))) {
            assertThat(connection.sync().exists("kept?")).isZero();
        }
    }

    @Test
    void aSecondServerCanBeStartedOnItsOwnPort() {
        try (RedisServer second = RedisServer.start()) {
            assertThat(second.port()).isNotEqualTo(redis.port());
            RoundTrips.redis(second.url());
        }
    }

    @Test
    void closeKillsTheProcessAndDeletesItsDirectory() {
        RedisServer own = RedisServer.start();
        Path log = own.logFile();

        own.close();

        assertThat(log.getParent()).doesNotExist();
        assertThatThrownBy(() -> client.connect(RedisURI.create(own.url())))
                .isInstanceOf(RedisConnectionException.class);
    }

    @Nested
    class NestedClasses {

        @Test
        void shareTheOuterClassServer(RedisServer nested) {
            assertThat(nested).isSameAs(redis);
        }
    }
}
