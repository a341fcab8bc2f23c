package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import io.herald.bench.client.BenchClient;
import io.herald.bench.client.WsClients;
import io.herald.bench.measure.Deliveries;
import io.herald.bench.measure.HostLoad;
import io.herald.bench.measure.MicroClock;
import io.herald.bench.measure.ProcStats;
import io.herald.bench.measure.Receipts;
import io.herald.bench.report.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What every scenario shares: the options common to all, the clients, waiting for a quiet host, measuring the
 * server's process and the foreign CPU around the measured phase, and writing the result.
 */
final class Run implements AutoCloseable {

    final Options options;
    final String scenario;
    final int clientCount;
    final Target target;
    final Deliveries deliveries = new Deliveries();
    final List<BenchClient> clients = new ArrayList<>();
    final WsClients ws;
    final long serverPid;
    final Set<Long> ownPids = new HashSet<>();
    /** The redis-server processes, when known (the scenario started them): their CPU is reported summed. */
    private final List<Long> redisPids;
    final Result result = new Result();
    final int concurrency;
    final int bodyBytes;
    private final Path out;
    private final double waitLoad;
    private final long waitMax;
    private Map<Long, Long> foreignBefore;
    private long measureStartNanos;
    private long selfTicksBefore;
    private ProcStats serverBefore;
    private long redisTicksBefore;

    Run(String scenario, Options options) {
        this(scenario, options, 100, null);
    }

    Run(String scenario, Options options, int defaultClients) {
        this(scenario, options, defaultClients, null);
    }

    /** @param started the edge and Redis the scenario started ({@code --start}), or null: {@code --server-pid} */
    Run(String scenario, Options options, int defaultClients, StartedEdge started) {
        this.options = options;
        this.scenario = scenario;
        this.clientCount = options.integer("clients", defaultClients);
        this.target = new Target(options, clientCount, started == null ? null : started.redisUrl());
        this.serverPid = started == null ? options.longValue("server-pid", 0) : started.edgePid();
        this.redisPids = started == null ? List.of() : started.redisPids();
        ownPids.add(serverPid);
        ownPids.addAll(redisPids);
        for (String pid : options.string("own-pids", "").split(",")) {
            if (!pid.isBlank()) {
                ownPids.add(Long.parseLong(pid.trim()));
            }
        }
        this.concurrency = options.integer("concurrency", 200);
        this.bodyBytes = options.integer("body-bytes", 64);
        this.out = Path.of(options.string("out", "bench/target/results"));
        this.waitLoad = options.decimal("wait-load", 0);
        this.waitMax = options.longValue("wait-max", 2400);
        this.ws = new WsClients(target.protocol(), options.integer("io-threads", 1),
                options.longValue("connect-timeout-ms", 30_000));
        for (int i = 0; i < clientCount; i++) {
            clients.add(new BenchClient(i, target.channelOf(i), new Receipts(target.stride(), target.offsetOf(i)),
                    deliveries));
        }
        result.put("scenario", scenario).put("label", options.string("label", ""))
                .put("target", target.name()).put("feed", target.feed())
                .put("channels", target.perUser() ? "user" : "broadcast").put("clients", clientCount);
        if (started != null) { // columns of their own, so that the CSV rows of runs on a given Redis keep theirs
            result.put("channelCount", target.channelCount()).put("redis", target.cluster() ? "cluster-3x2" : "one-node");
        }
    }

    /**
     * Waits for a quiet host when {@code --wait-load} is set, and records how busy the host was before. A caller
     * that waited itself (bench/run.sh waits before it starts the server, whose own start-up would count as load)
     * passes the outcome as {@code --quiet-host true|false}.
     */
    void awaitQuietHost() throws InterruptedException {
        String told = options.string("quiet-host", "");
        HostLoad.Wait wait = waitLoad > 0 && told.isEmpty() ? HostLoad.awaitQuiet(waitLoad, waitMax, 30)
                : new HostLoad.Wait(0, !told.equals("false"));
        result.put("load1Before", HostLoad.loadAverage()).put("waitedS", wait.seconds())
                .put("quietHost", waitLoad > 0 || !told.isEmpty() ? wait.quiet() : null)
                .put("hostIdlePctBefore", HostLoad.idlePercent(1000));
    }

    /** Connects all clients and records how long it took and how many failed. */
    List<BenchClient> connectAll() throws InterruptedException {
        EdgeTopic.ensure(options);
        long start = System.nanoTime();
        int failed = ws.connectAll(clients, concurrency);
        List<BenchClient> live = clients.stream().filter(c -> c.ready().isDone()
                && !c.ready().isCompletedExceptionally() && c.isOpen()).toList();
        result.put("connected", live.size()).put("connectFailed", failed)
                .put("connectMs", (System.nanoTime() - start) / 1_000_000);
        return live;
    }

    void serverMemory(String prefix) {
        ProcStats s = ProcStats.of(serverPid);
        if (s != null) {
            result.put(prefix + "RssMB", s.rssMb());
        }
    }

    /** Starts the measured phase: CPU counters of the server, this JVM and the rest of the host. */
    void startMeasuring() {
        serverBefore = ProcStats.of(serverPid);
        foreignBefore = HostLoad.foreignTicks(ownPids);
        selfTicksBefore = ProcStats.cpuTicks(ProcessHandle.current().pid());
        redisTicksBefore = redisTicks();
        measureStartNanos = System.nanoTime();
    }

    /** Ends the measured phase: CPU used by each side meanwhile, in percent of one core, and the server's peak RSS. */
    void stopMeasuring() {
        double seconds = (System.nanoTime() - measureStartNanos) / 1e9;
        ProcStats server = ProcStats.of(serverPid);
        if (server != null && serverBefore != null) {
            result.put("serverHwmMB", server.hwmMb()).put("serverCpuPct",
                    Math.round((server.cpuTicks() - serverBefore.cpuTicks()) * 100.0 / ProcStats.TICKS_PER_SECOND / seconds));
        }
        long redisTicks = redisTicks();
        if (!redisPids.isEmpty() && redisTicks >= 0 && redisTicksBefore >= 0) {
            result.put("redisCpuPct", Math.round((redisTicks - redisTicksBefore) * 100.0 / ProcStats.TICKS_PER_SECOND / seconds));
        }
        long self = ProcStats.cpuTicks(ProcessHandle.current().pid());
        result.put("loadgenCpuPct", Math.round((self - selfTicksBefore) * 100.0 / ProcStats.TICKS_PER_SECOND / seconds));
        result.put("foreignCpuPct", HostLoad.foreignCpuPercent(foreignBefore, HostLoad.foreignTicks(ownPids), seconds));
    }

    /**
     * Waits until {@code complete}, or nothing arrived for {@code --idle} seconds (default 3) after
     * {@code sinceMicros} and the last delivery, or {@code --drain} seconds (default 30) passed since
     * {@code sinceMicros}; returns which.
     */
    String drain(BooleanSupplier complete, long sinceMicros) throws InterruptedException {
        long idle = options.longValue("idle", 3) * 1_000_000;
        long deadline = options.longValue("drain", 30) * 1_000_000;
        while (true) {
            long now = MicroClock.nowMicros();
            if (complete.getAsBoolean()) {
                return "complete";
            }
            if (now - Math.max(deliveries.lastMicros(), sinceMicros) > idle) {
                return "idle";
            }
            if (now - sinceMicros > deadline) {
                return "deadline";
            }
            Thread.sleep(20);
        }
    }

    /** CPU time of every redis-server process together, or -1 when one is gone. */
    private long redisTicks() {
        long ticks = 0;
        for (long pid : redisPids) {
            long t = ProcStats.cpuTicks(pid);
            if (t < 0) {
                return -1;
            }
            ticks += t;
        }
        return ticks;
    }

    long problems() {
        return clients.stream().mapToLong(BenchClient::problems).sum();
    }

    /** Prints the result and appends it to {@code --out} (default bench/target/results). */
    Result finish() throws Exception {
        options.checkAllUsed();
        System.out.println(scenario + " " + target.name() + ":");
        result.print(System.out);
        result.append(out, scenario);
        return result;
    }

    static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }

    @Override
    public void close() {
        for (BenchClient c : clients) {
            ws.drop(c);
        }
        ws.close();
    }
}
