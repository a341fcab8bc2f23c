package io.herald.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Redis goes away while keyed posts are in flight, and comes back. Producers retry as told (503 and 409 both
 * say "retry"): once Redis is back every key must get its 202 within seconds, and each key must be in Kafka
 * exactly once. A claim whose outcome could not be recorded while Redis was away must not hold its key for the
 * claim's whole TTL (the incident: 409 "still waiting for Kafka" for 30 retries over 31 s, never delivered).
 */
@TestPropertySource(properties = "herald.kafka.topic=" + RedisOutageTest.TOPIC)
class RedisOutageTest extends IngestTest {

    static final String TOPIC = "idempotency-outage-test.notifications";
    private static final int PRODUCERS = 8;
    private static final String CHANNEL = "user:outage";

    /** Redis stalls with its data (the incident): claims sent meanwhile are executed when it runs again. */
    @Test
    void afterAStallEveryKeyIsAcceptedOnceSoonAfterRedisReturns() throws Exception {
        outage("stall", redis::pause, redis::resume);
    }

    /** Redis crashes and comes back empty. */
    @Test
    void afterACrashEveryKeyIsAcceptedOnceSoonAfterRedisReturns() throws Exception {
        outage("crash", redis::kill, redis::restart);
    }

    private void outage(String name, Runnable down, Runnable up) throws Exception {
        Map<String, String> accepted = new ConcurrentHashMap<>();
        Map<String, Integer> lastStatus = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger keysStarted = new AtomicInteger();
        AtomicInteger refusedDuringOutage = new AtomicInteger();
        AtomicBoolean redisDown = new AtomicBoolean();
        ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
        List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.submit(() -> {
                Http http = http();
                for (int k = 0; !stop.get(); k++) {
                    String id = name + "-" + producer + "-" + k;
                    started.add(id);
                    keysStarted.incrementAndGet();
                    String body = "{\"id\":\"" + id + "\",\"channel\":\"" + CHANNEL + "\",\"type\":\"t\",\"data\":{\"k\":\"" + id + "\"}}";
                    // a producer that retries as told: until a 202 or a definite refusal, every 503 and 409
                    while (true) {
                        HttpResponse<String> response = http.postJson("/v1/notifications", body);
                        lastStatus.put(id, response.statusCode());
                        if (response.statusCode() == 202) {
                            accepted.put(id, Http.json(response).get("position").stringValue());
                            break;
                        }
                        if (response.statusCode() != 503 && response.statusCode() != 409) {
                            throw new AssertionError("definite refusal for " + id + ": " + response.body());
                        }
                        if (redisDown.get()) {
                            refusedDuringOutage.incrementAndGet();
                        }
                        if (stop.get()) {
                            return null;
                        }
                        Thread.sleep(50);
                    }
                }
                return null;
            });
        }
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 40);
            redisDown.set(true);
            down.run();
            await().atMost(Duration.ofSeconds(60)).until(() -> refusedDuringOutage.get() >= PRODUCERS * 3);
            up.run();
            redisDown.set(false);
            int keysAtRestart = keysStarted.get();
            // every key started so far, including those in flight when Redis died, gets its 202 soon after
            List<String> startedBeforeRestart;
            synchronized (started) { // the producers go on adding keys: iterate a copy
                startedBeforeRestart = List.copyOf(started.subList(0, keysAtRestart));
            }
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                    startedBeforeRestart.stream().filter(id -> !accepted.containsKey(id))
                            .collect(Collectors.toMap(Function.identity(), id -> lastStatus.getOrDefault(id, 0))))
                    .as("keys not accepted yet, with their last status").isEmpty());
        } finally {
            stop.set(true);
            producers.shutdown();
            assertThat(producers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        List<ConsumerRecord<byte[], byte[]>> records = records(TOPIC, CHANNEL).stream()
                .filter(r -> Http.json(r.value()).get("id").stringValue().startsWith(name + "-")).toList();
        Map<String, List<Long>> offsetsById = records.stream().collect(Collectors.groupingBy(
                r -> Http.json(r.value()).get("id").stringValue(),
                Collectors.mapping(ConsumerRecord::offset, Collectors.toList())));
        assertThat(offsetsById.entrySet()).as("keys produced more than once")
                .filteredOn(e -> e.getValue().size() > 1).isEmpty();
        assertThat(offsetsById.keySet()).as("every accepted key is in Kafka").containsAll(accepted.keySet());
        accepted.forEach((id, position) -> assertThat(position)
                .as("the 202 of %s names its record", id).isEqualTo(offsetsById.get(id).get(0) + "-1"));
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(CHANNEL);
    }
}
