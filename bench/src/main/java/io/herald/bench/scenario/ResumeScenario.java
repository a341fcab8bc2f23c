package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import io.herald.bench.client.BenchClient;
import io.herald.bench.measure.MicroClock;
import io.herald.bench.publish.Pacer;
import io.herald.bench.publish.Publisher;
import io.herald.bench.report.Result;
import java.util.List;

/**
 * Resume storm: connect {@code --clients}, deliver a warm-up so that every client holds a position, drop
 * {@code --away} of them (default all) at once, publish {@code --k} messages per channel while they are away, then
 * reconnect them all at once and wait until each has every message it missed. Reports how many recovered all,
 * what the others got, duplicates, and the time from the reconnect to the last replayed delivery.
 */
public final class ResumeScenario {

    private ResumeScenario() {
    }

    public static Result run(Options options) throws Exception {
        try (Run run = new Run("resume", options)) {
            int k = options.integer("k", 20);
            double away = options.decimal("away", 1.0);
            double rate = options.decimal("rate", 5000);
            int perRound = run.target.channelCount();
            long warmup = (long) options.integer("warmup", 1) * perRound;
            long missed = (long) k * perRound;
            run.result.put("k", k).put("awayFraction", away).put("rate", rate);
            run.awaitQuietHost();
            List<BenchClient> live = run.connectAll();
            Thread.sleep(1000);
            run.serverMemory("server");
            try (Publisher publisher = run.target.publisher(run.bodyBytes)) {
                publisher.prepare();
                Pacer.Run warm = Pacer.run(publisher, rate, warmup, 0, run.target::channelOfSeq);
                long warmExpected = live.stream().mapToLong(c -> c.receipts().expectedBetween(0, warmup)).sum();
                run.drain(() -> run.deliveries.delivered() >= warmExpected, warm.endMicros());
                List<BenchClient> leaving = live.subList(0, (int) Math.floor(live.size() * away));
                List<BenchClient> staying = live.subList(leaving.size(), live.size());
                leaving.forEach(BenchClient::leave);
                leaving.forEach(run.ws::drop);
                Thread.sleep(1000);
                run.startMeasuring();
                Pacer.Run gone = Pacer.run(publisher, rate, missed, warmup, run.target::channelOfSeq);
                long stayExpected = staying.stream().mapToLong(c -> c.receipts().expectedBetween(0, warmup + missed)).sum();
                run.drain(() -> staying.stream().mapToLong(c -> c.receipts().received()).sum() >= stayExpected,
                        gone.endMicros());
                long reconnectStart = MicroClock.nowMicros();
                long startNanos = System.nanoTime();
                int reconnectFailed = run.ws.connectAll(leaving, options.integer("reconnect-concurrency", leaving.size()));
                long reconnectMs = (System.nanoTime() - startNanos) / 1_000_000;
                String how = run.drain(() -> leaving.stream().allMatch(c ->
                        c.receipts().receivedBetween(warmup, warmup + missed) == c.receipts().expectedBetween(warmup, warmup + missed)),
                        reconnectStart);
                run.stopMeasuring();
                long[] got = leaving.stream().mapToLong(c -> c.receipts().receivedBetween(warmup, warmup + missed))
                        .sorted().toArray();
                long withAll = leaving.stream().filter(c -> c.receipts().receivedBetween(warmup, warmup + missed)
                        == c.receipts().expectedBetween(warmup, warmup + missed)).count();
                long stayReceived = staying.stream().mapToLong(c -> c.receipts().received()).sum();
                run.result.put("warmup", warmup).put("missedPublished", missed).put("pubRate", gone.actualRate())
                        .put("pubErrors", warm.errors() + gone.errors())
                        .put("awayClients", leaving.size()).put("reconnectFailed", reconnectFailed)
                        .put("reconnectMs", reconnectMs)
                        .put("recoveredFlag", leaving.stream().filter(BenchClient::sioRecovered).count())
                        .put("clientsWithAllK", withAll)
                        .put("missedRecvTotal", java.util.Arrays.stream(got).sum())
                        .put("missedRecvMin", got.length == 0 ? 0 : got[0])
                        .put("missedRecvMedian", got.length == 0 ? 0 : got[got.length / 2])
                        .put("missedRecvMax", got.length == 0 ? 0 : got[got.length - 1])
                        .put("replayMs", Math.max(0, run.deliveries.lastReplayMicros() - reconnectStart) / 1000)
                        .put("stayersLost", stayExpected - stayReceived)
                        .put("dups", run.deliveries.duplicates()).put("misrouted", run.deliveries.misrouted())
                        .put("problems", run.problems()).put("drain", how)
                        .latencies(run.deliveries.takeLatencies());
            }
            return run.finish();
        }
    }
}
