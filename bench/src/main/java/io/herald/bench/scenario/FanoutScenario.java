package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import io.herald.bench.client.BenchClient;
import io.herald.bench.publish.HeraldRedisPublisher;
import io.herald.bench.publish.Pacer;
import io.herald.bench.publish.Publisher;
import io.herald.bench.report.Result;
import java.util.List;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Fan-out: connect {@code --clients}, publish {@code --rate} x {@code --seconds} messages at a fixed rate, wait for
 * them to arrive, report latency, deliveries per second, loss and duplicates, server memory and CPU. With
 * {@code --warmup-seconds W} the same rate runs W seconds first, delivered but not measured, so that what is measured
 * is a server that has run its delivery path before (a JVM's compiler has compiled it), the same for every target. With
 * {@code --start '<edge command>'} the scenario starts the edge itself, on a Redis of its own: one redis-server, or
 * with {@code --cluster true} a 3+3 Redis Cluster ({@link StartedEdge}), and reports that Redis's CPU too.
 */
public final class FanoutScenario {

    private FanoutScenario() {
    }

    public static Result run(Options options) throws Exception {
        try (StartedEdge started = StartedEdge.startIfAsked(options);
                Run run = new Run("fanout", options, 100, started)) {
            double rate = options.decimal("rate", 100);
            long messages = Math.round(rate * options.decimal("seconds", 10));
            double warmupSeconds = options.decimal("warmup-seconds", 0);
            long warmup = Math.round(rate * warmupSeconds);
            run.result.put("rate", rate).put("messages", messages).put("warmupSeconds", warmupSeconds);
            run.awaitQuietHost();
            List<BenchClient> live = run.connectAll();
            if (started != null) {
                started.requireRunning();
            }
            Thread.sleep(1000);
            run.serverMemory("server");
            long warmExpected = live.stream().mapToLong(c -> c.receipts().expectedBetween(0, warmup)).sum();
            long expectedTotal = live.stream().mapToLong(c -> c.receipts().expectedBetween(warmup, warmup + messages))
                    .sum();
            try (Publisher publisher = run.target.publisher(run.bodyBytes)) {
                publisher.prepare();
                if (started != null && publisher instanceof HeraldRedisPublisher herald) {
                    run.result.put("channelsPerPrimary", herald.channelsPerNode().values().stream()
                            .map(String::valueOf).collect(Collectors.joining("/")));
                }
                if (warmup > 0) {
                    Pacer.Run warm = Pacer.run(publisher, rate, warmup, 0, run.target::channelOfSeq);
                    run.drain(() -> run.deliveries.delivered() >= warmExpected, warm.endMicros());
                    run.deliveries.takeLatencies(); // the warm-up's are not measured
                    publisher.takeAckLatencies();
                }
                long before = run.deliveries.delivered();
                run.startMeasuring();
                Pacer.Run pub = Pacer.run(publisher, rate, messages, warmup, run.target::channelOfSeq);
                String how = run.drain(() -> run.deliveries.delivered() - before >= expectedTotal, pub.endMicros());
                run.stopMeasuring();
                long delivered = run.deliveries.delivered() - before;
                double seconds = Math.max(1, run.deliveries.lastMicros() - pub.startMicros()) / 1e6;
                run.result.put("pubRate", pub.actualRate()).put("pubErrors", pub.errors())
                        .put("expected", expectedTotal).put("delivered", delivered)
                        .put("lost", expectedTotal - delivered).put("dups", run.deliveries.duplicates())
                        .put("misrouted", run.deliveries.misrouted()).put("problems", run.problems())
                        .put("deliveriesPerSec", Math.round(delivered / seconds)).put("drain", how)
                        .latencies(run.deliveries.takeLatencies());
                Histogram acks = publisher.takeAckLatencies();
                if (acks != null && acks.getTotalCount() > 0) {
                    // the producer's stage of the same messages' latency (stamp to Kafka's acks=all)
                    run.result.put("ackP50", acks.getValueAtPercentile(50) / 1000.0)
                            .put("ackP99", acks.getValueAtPercentile(99) / 1000.0).put("ackMax", acks.getMaxValue() / 1000.0);
                }
            }
            return run.finish();
        }
    }
}
