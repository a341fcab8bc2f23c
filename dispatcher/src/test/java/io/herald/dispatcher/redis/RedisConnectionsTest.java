package io.herald.dispatcher.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each listener thread pipelines its batch on a borrowed connection with automatic flushing off, so a connection
 * must never be lent to two threads at once.
 */
@WithRedis
class RedisConnectionsTest {

    private ClientResources resources;
    private RedisClient client;
    private RedisConnections connections;

    @BeforeEach
    void start(RedisServer server) {
        resources = RedisClientFactory.resources(RedisClientFactory.reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)));
        client = new RedisClientFactory(RedisEndpoint.ofUrl(server.url()), resources)
                .client(RedisClientFactory.Timeouts.of(Duration.ofSeconds(2)), true);
        connections = new RedisConnections(client, RedisURI.create(server.url()));
    }

    @AfterEach
    void stop() {
        connections.close();
        client.shutdown();
        resources.shutdown();
    }

    @Test
    void lendsEachConnectionToOneThreadAtATimeAndKeepsThemForTheNextBorrowers() throws Exception {
        int threads = 6;
        Set<StatefulRedisConnection<String, String>> lent = ConcurrentHashMap.newKeySet();
        Set<StatefulRedisConnection<String, String>> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger sharedAtOnce = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                loops.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 300; i++) {
                        StatefulRedisConnection<String, String> connection = connections.borrow();
                        seen.add(connection);
                        if (!lent.add(connection)) {
                            sharedAtOnce.incrementAndGet();
                        }
                        // a queued command that only this borrower flushes, as a batch would
                        var pong = connection.async().ping();
                        connection.flushCommands();
                        assertThat(pong.get(2, TimeUnit.SECONDS)).isEqualTo("PONG");
                        lent.remove(connection);
                        connections.release(connection);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(sharedAtOnce).hasValue(0);
        assertThat(seen.size()).as("at most one connection per thread, reused").isBetween(1, threads);
    }

    /**
     * A server that accepts connections but does not answer (frozen, or stalled behind a proxy) fails a new connection
     * within the dispatcher's Redis timeout, not Lettuce's default of 60 s, so a batch fails, and is retried, at the
     * pace the timeout promises.
     */
    @Test
    void aNewConnectionToAServerThatDoesNotAnswerFailsWithinTheTimeout() {
        RedisServer frozen = RedisServer.start();
        RedisConnections made = RedisConnections.create(
                new RedisClientFactory(RedisEndpoint.ofUrl(frozen.url()), resources), Duration.ofSeconds(1));
        try {
            frozen.pause();
            assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> assertThatThrownBy(made::borrow).isInstanceOf(RedisException.class));
        } finally {
            frozen.resume();
            made.close();
            frozen.close();
        }
    }
}
