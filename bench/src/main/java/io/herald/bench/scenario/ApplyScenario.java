package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import io.herald.bench.measure.HostLoad;
import io.herald.bench.measure.ProcStats;
import io.herald.bench.publish.BenchEnvelopes;
import io.herald.bench.report.Result;
import io.herald.core.channel.ChannelName;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.Retention;
import io.herald.engine.apply.ApplyCommand;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.apply.Applier;
import io.herald.dispatcher.apply.BatchApplier;
import io.herald.dispatcher.apply.ClusterBatchApplier;
import io.herald.dispatcher.dataset.DatasetGuard;
import io.herald.dispatcher.apply.BatchOutcome;
import io.herald.dispatcher.redis.ClusterNodes;
import io.herald.dispatcher.redis.RedisConnections;
import io.herald.redis.RedisClientFactory;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dispatcher's batch apply against a real redis-server: {@code --threads} loops (the dispatcher's listener
 * threads; one per partition unless {@code spring.kafka.listener.concurrency} says otherwise), each handing batches of
 * {@code --batch} records (max-poll-records, default 500) to the dispatcher's own {@link BatchApplier}, for
 * {@code --seconds}. Then {@code redis-benchmark} runs the same script by EVALSHA ({@code --rb-clients} connections,
 * {@code --rb-pipeline} deep) for the ratio the issue asks for.
 *
 * <p>Records go round {@code --channels} channels with growing offsets, so every one is APPLIED (XADD, HSET, two
 * EXPIREs, PUBLISH), never a cheap duplicate. redis-benchmark can only draw random numbers, so its keys and offsets
 * are random in a large key space: nearly every call hits a new channel and is applied too.
 */
public final class ApplyScenario {

    private ApplyScenario() {
    }

    public static Result run(Options options) throws Exception {
        String url = options.string("redis", "redis://127.0.0.1:6390");
        int batch = options.integer("batch", 500);
        int threads = options.integer("threads", 1);
        double seconds = options.decimal("seconds", 10);
        int channelCount = options.integer("channels", 10_000);
        long redisPid = options.longValue("redis-pid", 0);
        boolean redisBenchmark = !options.string("redis-benchmark", "true").equals("false");
        Result result = new Result().put("scenario", "apply").put("label", options.string("label", ""))
                .put("batch", batch).put("threads", threads).put("channels", channelCount)
                .put("quietHost", options.string("quiet-host", "")).put("load1Before", HostLoad.loadAverage());

        boolean onCluster = options.string("cluster", "false").equals("true");
        int waitReplicas = options.integer("wait-replicas", 1);
        result.put("redis", onCluster ? "cluster-3x2-wait" + waitReplicas : "one-node");
        try (ApplyTarget target = onCluster ? ApplyTarget.cluster(waitReplicas) : ApplyTarget.single(url, redisPid)) {
            Applier applier = target.applier();
            String runId = "a" + Long.toString(System.currentTimeMillis(), 36);
            BenchEnvelopes envelopes = new BenchEnvelopes(runId, options.integer("body-bytes", 64));
            List<ChannelName> channels = new ArrayList<>();
            for (int i = 0; i < channelCount; i++) {
                channels.add(ChannelName.parse("user:" + runId + "-" + i));
            }
            AtomicLong applied = new AtomicLong();
            AtomicLong other = new AtomicLong();
            AtomicLong failedBatches = new AtomicLong();
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long redisBefore = cpuTicks(target.pids());
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                // a thread owns the channels t, t + threads, ... (a partition's), so offsets grow per channel; round
                // the thread's own list, so that no channel is shared however --threads and --channels divide
                List<ChannelName> owned = new ArrayList<>();
                for (int i = thread; i < channels.size(); i += threads) {
                    owned.add(channels.get(i));
                }
                loops.add(pool.submit(() -> {
                    long offset = 1;
                    long n = 0;
                    List<ApplyCommand> commands = new ArrayList<>(batch);
                    while (System.nanoTime() < deadline) {
                        commands.clear();
                        for (int i = 0; i < batch; i++, n++) {
                            ChannelName channel = !owned.isEmpty()
                                    ? owned.get((int) (n % owned.size()))
                                    : ChannelName.parse("user:" + runId + "-" + thread + "-" + n);
                            commands.add(new ApplyCommand(channel, offset++, thread,
                                    envelopes.json(channel.value(), n, 0), Retention.DEFAULT));
                        }
                        BatchOutcome outcome = applier.apply(commands);
                        if (!outcome.succeeded()) {
                            failedBatches.incrementAndGet();
                        }
                        for (ApplyResult r : outcome.results()) {
                            if (r != null && r.outcome() == ApplyResult.Outcome.APPLIED) {
                                applied.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get();
            }
            pool.shutdown();
            double elapsed = (System.nanoTime() - start) / 1e9;
            long redisAfter = cpuTicks(target.pids());
            result.put("applied", applied.get()).put("notApplied", other.get()).put("failedBatches", failedBatches.get())
                    .put("seconds", elapsed).put("appliesPerSec", Math.round(applied.get() / elapsed));
            if (redisBefore >= 0 && redisAfter >= 0) {
                double redisCpuSeconds = (redisAfter - redisBefore) / (double) ProcStats.TICKS_PER_SECOND;
                result.put("redisCpuPct", Math.round(redisCpuSeconds * 100 / elapsed));
                // what Redis spends per record, whoever else wants the CPU: the rate one Redis core could sustain
                if (applied.get() > 0) {
                    result.put("redisCpuUsPerApply", Math.round(redisCpuSeconds * 1e7 / applied.get()) / 10.0);
                }
            }
        }
        if (redisBenchmark && !onCluster) {
            URI uri = URI.create(url);
            int requests = options.integer("rb-requests", 500_000);
            int clients = options.integer("rb-clients", 50);
            int bodyBytes = options.integer("body-bytes", 64);
            double rps = redisBenchmark(uri.getPort(), requests, clients, options.integer("rb-pipeline", 16), bodyBytes, 1);
            result.put("redisBenchmarkPerSec", Math.round(rps))
                    .put("ratioToRedisBenchmark", ((Long) result.get("appliesPerSec")) / rps);
            // the same script with as many records per call as the dispatcher sends: what Redis itself can reach
            int records = options.integer("rb-records", 100);
            if (records > 1) {
                double calls = redisBenchmark(uri.getPort(), Math.max(1, requests / records), clients, 1, bodyBytes, records);
                result.put("rbRecordsPerCall", records).put("redisBenchmarkBatchedPerSec", Math.round(calls * records));
            }
        }
        Path out = Path.of(options.string("out", "bench/target/results"));
        options.checkAllUsed();
        System.out.println("apply:");
        result.print(System.out);
        result.append(out, "apply");
        return result;
    }

    /** The Redis processes' CPU time together, or -1 when one of them cannot be read. */
    private static long cpuTicks(List<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            ProcStats stats = ProcStats.of(pid);
            if (stats == null) {
                return -1;
            }
            ticks += stats.cpuTicks();
        }
        return ticks;
    }

    /**
     * What the batches are applied to: one redis-server (given by {@code --redis}, as the dispatcher's
     * {@link BatchApplier}) or a Redis Cluster of three primaries with a replica each, started here from redis-server
     * processes (testkit), with the dispatcher's {@link ClusterBatchApplier} and {@code WAIT} on each primary.
     */
    private record ApplyTarget(Applier applier, List<Long> pids, AutoCloseable resources) implements AutoCloseable {

        static ApplyTarget single(String url, long pid) {
            RedisClient client = RedisClient.create();
            RedisConnections connections = new RedisConnections(client, RedisURI.create(url));
            BatchApplier applier = new BatchApplier(connections, new ApplyScript(false), new DatasetGuard("bench"),
                    Duration.ofSeconds(30));
            applier.trustCurrentDataset();
            if (applier.loadScript() != null) {
                throw new IllegalStateException("cannot load the apply script into " + url);
            }
            return new ApplyTarget(applier::apply, pid > 0 ? List.of(pid) : List.of(), () -> {
                connections.close();
                client.shutdown(0, 2, TimeUnit.SECONDS);
            });
        }

        static ApplyTarget cluster(int waitReplicas) {
            RedisCluster cluster = RedisCluster.start();
            ClientResources resources = RedisClientFactory.resources(RedisClientFactory.reconnectDelay());
            List<String> seeds = cluster.nodes().stream().map(node -> "127.0.0.1:" + node.port()).toList();
            RedisClientFactory clients = new RedisClientFactory(
                    new RedisEndpoint(null, null, List.of(), null, null, seeds), resources);
            ClusterNodes nodes = new ClusterNodes(clients, Duration.ofSeconds(30), Duration.ofSeconds(10));
            ClusterBatchApplier applier = new ClusterBatchApplier(nodes, waitReplicas, Duration.ofSeconds(5),
                    Duration.ofSeconds(30));
            return new ApplyTarget(applier, cluster.nodes().stream().map(RedisServer::pid).toList(), () -> {
                nodes.close();
                resources.shutdown();
                cluster.close();
            });
        }

        @Override
        public void close() throws Exception {
            resources.close();
        }
    }

    /**
     * Calls per second redis-benchmark reaches calling the apply script by EVALSHA with {@code records} records per
     * call, each of its own channel.
     */
    static double redisBenchmark(int port, int requests, int clients, int pipeline, int bodyBytes, int records)
            throws IOException, InterruptedException {
        String envelope = new BenchEnvelopes("rb", bodyBytes).json("user:rb", 0, 0);
        // redis-benchmark replaces every __rand_int__ with a random number of its own: a random channel per record (its
        // log, meta and pub/sub names each random, which the script does not mind) and a random offset
        ChannelName channel = ChannelName.parse("user:__rand_int__");
        List<String> keys = new ArrayList<>();
        List<String> channelArgs = new ArrayList<>();
        List<String> recordArgs = new ArrayList<>();
        for (int c = 1; c <= records; c++) {
            keys.addAll(List.of(RedisKeys.log(channel), RedisKeys.meta(channel)));
            channelArgs.addAll(List.of(RedisKeys.pubsub(channel), "1000", "86400", "604800"));
            recordArgs.addAll(List.of(Integer.toString(c), "__rand_int__", "0", envelope, "0-0"));
        }
        List<String> command = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-n", Integer.toString(requests), "-c", Integer.toString(clients), "-P", Integer.toString(pipeline),
                "-r", "1000000000", "--csv", "EVALSHA", ApplyScript.SHA, Integer.toString(keys.size())));
        command.addAll(keys);
        command.addAll(List.of("PUBLISH", Integer.toString(records)));
        command.addAll(channelArgs);
        command.addAll(recordArgs);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("redis-benchmark failed: " + out);
        }
        // --csv: a header line, then "EVALSHA <the command, quotes and all>","<rps>", and six latency columns
        for (String line : out.split("\n")) {
            if (line.startsWith("\"EVALSHA")) {
                String[] cells = line.split("\",\"");
                return Double.parseDouble(cells[cells.length - 7].replace("\"", ""));
            }
        }
        throw new IOException("no result in redis-benchmark's output: " + out);
    }
}
