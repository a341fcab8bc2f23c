package io.herald.bench.micro;

import io.herald.bench.publish.BenchEnvelopes;
import io.herald.core.channel.ChannelName;
import io.herald.redis.ApplyScript;
import io.herald.redis.Retention;
import io.herald.engine.apply.ApplyCommand;
import io.herald.dispatcher.apply.BatchApplier;
import io.herald.dispatcher.dataset.DatasetGuard;
import io.herald.dispatcher.apply.BatchOutcome;
import io.herald.dispatcher.redis.RedisConnections;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The dispatcher's {@link BatchApplier} against a real redis-server of its own: one batch of 500 records
 * per invocation, pipelined on one connection as the dispatcher sends it. Scored per record (applies per second).
 * Records go round 1,000 channels with growing offsets, so each one is applied (never a cheap duplicate) and the
 * logs stay bounded by their MAXLEN.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatchApplyBenchmark {

    private static final int CHANNELS = 1000;
    /** The dispatcher's max-poll-records: a full poll is one batch. */
    private static final int BATCH = 500;

    private RedisServer redis;
    private RedisClient client;
    private RedisConnections connections;
    private BatchApplier applier;
    private final List<ChannelName> channels = new ArrayList<>();
    private final List<String> envelopes = new ArrayList<>();
    private final List<ApplyCommand> commands = new ArrayList<>();
    private long offset;

    @Setup(Level.Trial)
    public void setUp() {
        redis = RedisServer.start();
        client = RedisClient.create();
        connections = new RedisConnections(client, RedisURI.create(redis.url()));
        applier = new BatchApplier(connections, new ApplyScript(false), new DatasetGuard("jmh"), Duration.ofSeconds(30));
        applier.trustCurrentDataset();
        if (applier.loadScript() != null) {
            throw new IllegalStateException("cannot load the apply script");
        }
        BenchEnvelopes json = new BenchEnvelopes("jmh", 64);
        for (int i = 0; i < CHANNELS; i++) {
            ChannelName channel = ChannelName.parse("user:jmh-" + i);
            channels.add(channel);
            envelopes.add(json.json(channel.value(), i, 0));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public BatchOutcome apply() {
        commands.clear();
        for (int i = 0; i < BATCH; i++) {
            int c = (int) (offset % CHANNELS);
            commands.add(new ApplyCommand(channels.get(c), ++offset, 0, envelopes.get(c), Retention.DEFAULT));
        }
        BatchOutcome outcome = applier.apply(commands);
        if (!outcome.succeeded()) {
            throw new IllegalStateException("batch failed", outcome.failure());
        }
        return outcome;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        connections.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        redis.close();
    }
}
