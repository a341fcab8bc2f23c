package io.herald.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.client.HeraldClient;
import io.herald.client.position.FilePositionStore;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client ({@code client-java}) against the conformance suite, plus what only the Java client promises. */
class JavaClientConformanceIT extends ClientConformance {

    JavaClientConformanceIT(KafkaBroker kafka, RedisServer redis) {
        super(kafka, redis);
    }

    @Override
    protected ClientUnderTest.Factory clients() {
        return JavaClientUnderTest::new;
    }

    @Test
    void listenersRunOnTheClientsThreadAndAFileStoreCarriesPositionsAcrossARestart(@TempDir Path dir) {
        String channel = channel();
        Path file = dir.resolve("positions.json");
        List<String> threads = new CopyOnWriteArrayList<>();
        List<Integer> numbers = new CopyOnWriteArrayList<>();
        try (HeraldClient client = client(file)) {
            client.subscribe(channel, message -> {
                threads.add(Thread.currentThread().getName());
                numbers.add(message.data().path("n").asInt());
            });
            client.connect();
            await().until(() -> client.position(channel).isPresent());
            pipeline().publish(channel, 0);
            await().until(() -> numbers.size() == 1);
        }
        pipeline().publish(channel, 1);
        try (HeraldClient client = client(file)) {
            client.subscribe(channel, message -> numbers.add(message.data().path("n").asInt()));
            client.connect();
            await().until(() -> numbers.size() == 2);
        }
        assertThat(threads).containsExactly("herald-client");
        assertThat(numbers).containsExactly(0, 1);
    }

    private HeraldClient client(Path file) {
        return HeraldClient.builder().edge(sharedEdge().ws()).token(ClientConformance::token)
                .positions(new FilePositionStore(file)).build();
    }
}
