package io.herald.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.RedisKeys;
import io.herald.e2e.support.Systems;
import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.ServiceProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Several dispatchers in one consumer group (issue 13), each its own process with its own static membership ID,
 * under the fault suite's load and audit: partitions move when dispatchers come, go, die or freeze, and no client
 * may lose, repeat or reorder a notification, or get a reset. Each dispatcher runs one consumer thread, so the
 * three partitions spread one per dispatcher; the session times out after 6 s (the broker's minimum; 10 s in
 * dispatcher.yml) to keep the scenarios short.
 */
@Tag(MultiNode.TAG)
class MultiDispatcherIT {

    private static final int DISPATCHERS = 3;
    private static final Set<Integer> ALL = Set.of(0, 1, 2);
    /** What spring-kafka logs when the group refuses a commit (the consumer was kicked out, or rebalanced since). */
    private static final String REFUSED_COMMIT = "Commit failed for {herald.notifications-";

    private static HeraldSystem system;
    private static DispatcherGroup group;

    @BeforeAll
    static void start() {
        system = Systems.start("multi-dispatcher", 2, DISPATCHERS,
                "--spring.kafka.listener.concurrency=1",
                "--spring.kafka.consumer.properties[session.timeout.ms]=6000",
                "--spring.kafka.consumer.properties[heartbeat.interval.ms]=2000");
        group = new DispatcherGroup(system.kafka().bootstrapServers(), "herald-dispatcher", "herald.notifications", 3);
    }

    @AfterAll
    static void stop() {
        if (group != null) {
            group.close();
        }
        if (system != null) {
            system.close();
        }
    }

    /** One dispatcher holds every partition; two more join (the partitions spread), then leave one by one. */
    @Test
    void scaleOutFromOneToThreeAndBackToOne() {
        runExactly(Set.of(0));
        Steps steps = new Steps("scale-out-in");
        Scenario.Result result = new Scenario(system, "scale-out-in").run(
                () -> {
                    steps.begin();
                    startAll(List.of(system.dispatcher(1), system.dispatcher(2)));
                    steps.mark("started-2-and-3");
                    group.awaitHeldBy(ALL);
                    steps.mark("spread-over-3");
                },
                () -> {
                    steps.mark("stopping-3");
                    system.dispatcher(2).stop();
                    group.awaitHeldBy(Set.of(0, 1));
                    steps.mark("held-by-2");
                    system.dispatcher(1).stop();
                    group.awaitHeldBy(Set.of(0));
                    steps.mark("held-by-1");
                });
        assertClean(result);
        steps.print();
    }

    /** {@code kill -9} of the dispatcher that holds the broadcast channel: the others take its partition over. */
    @Test
    void oneOfThreeKilledUnderLoad() {
        runExactly(ALL);
        Scenario scenario = new Scenario(system, "dispatcher-kill-1-of-3");
        int victim = group.ownerOf(broadcast(scenario));
        Set<Integer> survivors = without(victim);
        Steps steps = new Steps("dispatcher-kill-1-of-3");
        Scenario.Result result = scenario.run(
                () -> {
                    steps.begin();
                    system.dispatcher(victim).kill();
                    group.awaitHeldBy(survivors);
                    steps.mark("taken-over");
                },
                () -> {
                    steps.mark("restarting");
                    system.dispatcher(victim).start();
                    steps.mark("started");
                    group.awaitHeldBy(ALL);
                    steps.mark("spread-over-3");
                });
        assertClean(result);
        steps.print();
    }

    /**
     * Redis freezes (SIGSTOP) under load, so every dispatcher's batch fails and is retried, and two more dispatchers
     * join meanwhile: the partitions move while their batches are still failing. Then Redis carries on. Before the
     * dispatcher stopped using spring-kafka's fixTxOffsets, a revoked consumer committed its position, past the batch
     * it was retrying, and the new holder started after records Redis never got.
     */
    @Test
    void dispatchersJoinWhileRedisIsFrozen() {
        runExactly(Set.of(0));
        Steps steps = new Steps("join-while-redis-frozen");
        Scenario.Result result = new Scenario(system, "join-while-redis-frozen").run(
                () -> {
                    steps.begin();
                    system.redis().pause();
                    steps.mark("redis-frozen");
                    startAll(List.of(system.dispatcher(1), system.dispatcher(2)));
                    steps.mark("started-2-and-3");
                    group.awaitHeldBy(ALL);
                    steps.mark("spread-over-3");
                },
                () -> {
                    system.redis().resume();
                    steps.mark("redis-resumed");
                });
        assertClean(result);
        steps.print();
    }

    /**
     * The dispatcher that holds the broadcast channel freezes (SIGSTOP) while notifications flow, right after a
     * burst of records on its partition (to a channel nobody follows), so that it is most likely in the middle of
     * applying them, with records fetched and not yet applied or committed. Its session times out and its partition
     * moves on; then it carries on (SIGCONT) from where it stood, applies what it held to Redis long after the new
     * holder applied the same records and more, fails to commit, and rejoins. Its late writes must change nothing a
     * client sees.
     */
    @Test
    void zombieFrozenPastItsSessionThenResumedMidBatch() {
        runExactly(ALL);
        Scenario scenario = new Scenario(system, "dispatcher-zombie");
        int zombie = group.ownerOf(broadcast(scenario));
        ServiceProcess process = system.dispatcher(zombie);
        long logBefore = size(process);
        Steps steps = new Steps("dispatcher-zombie");
        Scenario.Result result = scenario.run(
                () -> {
                    steps.begin();
                    burst(scenario.channels(), broadcast(scenario), 3000);
                    process.suspend();
                    group.awaitHeldBy(without(zombie));
                    steps.mark("taken-over");
                },
                () -> {
                    steps.mark("resuming");
                    process.resume();
                    group.awaitHeldBy(ALL);
                    steps.mark("spread-over-3");
                });
        assertClean(result);
        steps.print();
        // Whether it really was mid-batch is up to the timing; its log tells: each batch it finished after its session
        // expired ends in a commit the group refuses. Reported with the figures, not asserted: the audit above must
        // hold either way.
        long refused = tail(process, logBefore).lines().filter(line -> line.contains(REFUSED_COMMIT)).count();
        System.out.println("RELIABILITY-NOTE dispatcher-zombie commitsRefusedAfterResume=" + refused);
    }

    /**
     * The dataset's checkpoint of a partition ({@code applied:<topic>:<partition>} in {@code herald:dataset}) is where
     * a repair after a Redis failover starts reading Kafka again; docs/architecture.md bounds that read by "what was
     * applied since the new primary's last checkpoint plus one batch". With several dispatchers, one that held a
     * partition earlier (here: the only dispatcher, before the others joined) must not write its old offset for it
     * over the checkpoint of the dispatcher that holds it now: each checkpoint is written once per acknowledgement
     * (DatasetGuard.takeCheckpointFields). Before that, every dispatcher rewrote every partition it had ever
     * acknowledged each second, and the checkpoints stayed at the old offsets.
     */
    @Test
    void aPartitionsCheckpointDoesNotFallBackToTheOffsetOfADispatcherThatNoLongerHoldsIt() {
        runExactly(Set.of(0));
        List<String> channels = IntStream.range(0, 3).mapToObj(p -> IntStream.iterate(0, i -> i + 1)
                .mapToObj(i -> "user:checkpoint-" + i).filter(c -> group.partitionOf(c) == p).findFirst().orElseThrow())
                .toList();
        Map<Integer, Long> early = produce(channels, 5);
        awaitCheckpointsAtLeast(early); // dispatcher 1 applied (and checkpointed) records of every partition
        runExactly(ALL);
        Map<Integer, Long> later = produce(channels, 50);
        awaitApplied(channels, later); // every record is in Redis: the holders acknowledged them
        awaitCheckpointsAtLeast(later);

        Map<Integer, Long> lowest = new TreeMap<>();
        long until = System.nanoTime() + Duration.ofSeconds(4).toNanos(); // several idle checks of each dispatcher
        while (System.nanoTime() < until) {
            checkpoints().forEach((partition, offset) -> lowest.merge(partition, offset, Math::min));
            pause(50);
        }
        Map<Integer, Integer> owners = group.owners();
        assertThat(lowest).as("each partition's checkpoint, the lowest seen after it reached %s (held by %s)", later, owners)
                .allSatisfy((partition, offset) -> assertThat(offset).isGreaterThanOrEqualTo(later.get(partition)));
    }

    private static Map<Integer, Long> produce(List<String> channels, int each) {
        Map<Integer, Long> last = new TreeMap<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (String channel : channels) {
                for (int n = 0; n < each; n++) {
                    RecordMetadata sent = producer.send(new ProducerRecord<>("herald.notifications", channel,
                            "{\"channel\":\"" + channel + "\",\"type\":\"e2e.checkpoint\",\"data\":{\"n\":" + n + "}}"))
                            .get(30, TimeUnit.SECONDS);
                    last.merge(sent.partition(), sent.offset(), Math::max);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to Kafka", e);
        }
        return last;
    }

    private static void awaitApplied(List<String> channels, Map<Integer, Long> offsets) {
        try (RedisClient client = RedisClient.create(system.redis().url());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> channels.stream().allMatch(channel -> {
                String last = connection.sync().hget(RedisKeys.meta(ChannelName.parse(channel)), "last");
                return last != null && Position.parse(last).offset() >= offsets.get(group.partitionOf(channel));
            }));
        }
    }

    private static void awaitCheckpointsAtLeast(Map<Integer, Long> offsets) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<Integer, Long> checkpoints = checkpoints();
            assertThat(offsets).as("checkpoints %s (partitions held by %s)", checkpoints, group.owners())
                    .allSatisfy((partition, offset) ->
                            assertThat(checkpoints.getOrDefault(partition, -1L)).isGreaterThanOrEqualTo(offset));
        });
    }

    private static Map<Integer, Long> checkpoints() {
        try (RedisClient client = RedisClient.create(system.redis().url());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            Map<Integer, Long> checkpoints = new TreeMap<>();
            connection.sync().hgetall("herald:dataset").forEach((field, value) -> {
                if (field.startsWith("applied:herald.notifications:")) {
                    checkpoints.put(Integer.parseInt(field.substring(field.lastIndexOf(':') + 1)), Long.parseLong(value));
                }
            });
            return checkpoints;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // sampling a value over a period; not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(props);
    }

    /**
     * Produces {@code count} records straight to Kafka, on the partition of {@code sameAs}, to a channel that is not
     * one of {@code audited}: a backlog for that partition's dispatcher to work through.
     */
    private static void burst(List<String> audited, String sameAs, int count) {
        int partition = group.partitionOf(sameAs);
        String channel = IntStream.iterate(0, i -> i + 1).mapToObj(i -> "broadcast:zombie-burst-" + i)
                .filter(c -> group.partitionOf(c) == partition && !audited.contains(c)).findFirst().orElseThrow();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int n = 0; n < count; n++) {
                producer.send(new ProducerRecord<>("herald.notifications", channel,
                        "{\"channel\":\"" + channel + "\",\"type\":\"e2e.burst\",\"data\":{\"n\":" + n + "}}"));
            }
            producer.flush();
        }
    }

    private static String broadcast(Scenario scenario) {
        List<String> channels = scenario.channels();
        return channels.get(channels.size() - 1);
    }

    private static Set<Integer> without(int dispatcher) {
        Set<Integer> others = new TreeSet<>(ALL);
        others.remove(dispatcher);
        return others;
    }

    /** Starts or stops dispatchers so that exactly {@code wanted} run, and waits until they hold the partitions. */
    private static void runExactly(Set<Integer> wanted) {
        IntStream.range(0, DISPATCHERS).filter(i -> !wanted.contains(i) && system.dispatcher(i).isAlive())
                .forEach(i -> system.dispatcher(i).stop());
        startAll(IntStream.range(0, DISPATCHERS).filter(i -> wanted.contains(i) && !system.dispatcher(i).isAlive())
                .mapToObj(system::dispatcher).toList());
        group.awaitHeldBy(wanted);
    }

    /** Starts them side by side: each start waits for Spring Boot, several seconds on two busy cores. */
    private static void startAll(List<ServiceProcess> dispatchers) {
        ExecutorService starters = Executors.newCachedThreadPool();
        try {
            CompletableFuture.allOf(dispatchers.stream().map(d -> CompletableFuture.runAsync(d::start, starters))
                    .toArray(CompletableFuture[]::new)).join();
        } finally {
            starters.shutdown();
        }
    }

    private static long size(ServiceProcess process) {
        try {
            return Files.size(process.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(ServiceProcess process, long from) {
        try {
            byte[] all = Files.readAllBytes(process.logFile());
            return new String(all, (int) from, all.length - (int) from);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertClean(Scenario.Result result) {
        assertThat(result.faulty()).as("audits with a lost, duplicated or reordered notification or a reset").isEmpty();
        assertThat(result.delivered()).isEqualTo(result.expected());
    }
}
