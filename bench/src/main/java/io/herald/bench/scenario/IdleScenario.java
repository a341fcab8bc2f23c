package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import io.herald.bench.client.BenchClient;
import io.herald.bench.measure.JvmHeap;
import io.herald.bench.measure.ProcStats;
import io.herald.bench.report.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory against connections: opens idle connections (each subscribed to its own channel on Herald) in steps,
 * {@code --steps 0,5000,10000,...}, and after each step measures the server's RSS and, for a JVM ({@code --heap}),
 * its live heap after a full GC. The last row also gives the cost per connection: the growth from the first step
 * divided by the connections added.
 */
public final class IdleScenario {

    private IdleScenario() {
    }

    public static List<Result> run(Options options) throws Exception {
        int[] steps = Run.ints(options.string("steps", "0,1000,2000"));
        List<Result> rows = new ArrayList<>();
        try (Run run = new Run("idle", options, steps[steps.length - 1])) {
            boolean heap = options.flag("heap");
            long settleMs = options.longValue("settle-ms", 3000);
            run.awaitQuietHost();
            Result first = null;
            int connected = 0;
            int failedTotal = 0;
            for (int step : steps) {
                List<BenchClient> batch = run.clients.subList(Math.min(connected, step), step);
                long start = System.nanoTime();
                failedTotal += run.ws.connectAll(batch, run.concurrency);
                long connectMs = (System.nanoTime() - start) / 1_000_000;
                connected = step;
                Thread.sleep(settleMs);
                long open = run.clients.subList(0, step).stream().filter(BenchClient::isOpen).count();
                ProcStats server = ProcStats.of(run.serverPid);
                long heapKb = heap ? JvmHeap.liveKb(run.serverPid) : -1;
                Result row = new Result().put("scenario", "idle").put("label", options.string("label", ""))
                        .put("target", run.target.name()).put("connections", step).put("open", open)
                        .put("connectFailed", failedTotal).put("connectMs", connectMs)
                        .put("serverRssMB", server == null ? null : server.rssMb())
                        .put("serverHeapMB", heapKb < 0 ? null : heapKb / 1024.0)
                        .put("load1Before", run.result.get("load1Before")).put("quietHost", run.result.get("quietHost"));
                if (first == null) {
                    first = row;
                } else if (step > (int) first.get("connections")) {
                    int added = step - (int) first.get("connections");
                    if (server != null && first.get("serverRssMB") != null) {
                        row.put("rssKBPerConn", (server.rssMb() - (double) first.get("serverRssMB")) * 1024 / added);
                    }
                    if (heapKb >= 0 && first.get("serverHeapMB") != null) {
                        row.put("heapKBPerConn", (heapKb / 1024.0 - (double) first.get("serverHeapMB")) * 1024 / added);
                    }
                }
                System.out.println("idle " + run.target.name() + " step " + step + ":");
                row.print(System.out);
                rows.add(row);
            }
            options.checkAllUsed();
            for (Result row : rows) {
                row.append(java.nio.file.Path.of(options.string("out", "bench/target/results")), "idle");
            }
        }
        return rows;
    }
}
