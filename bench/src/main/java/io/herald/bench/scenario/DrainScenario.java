package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import io.herald.bench.measure.HostLoad;
import io.herald.bench.measure.ProcStats;
import io.herald.bench.publish.BenchEnvelopes;
import io.herald.bench.publish.KafkaPublisher;
import io.herald.bench.publish.Pacer;
import io.herald.bench.report.Result;
import io.herald.core.channel.ChannelName;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The dispatcher's sustained rate, the whole process: {@code --produce} records are written to the topic first
 * (over {@code --channels} channels), then {@code --start} launches the dispatcher (a shell command, so that
 * run.sh can pin it with taskset), and the scenario watches the dispatcher's consumer group commit its way to the
 * end of the topic. The rate is the records committed between the first commit and the last, divided by the time
 * between them: the dispatcher's start-up and first poll are left out, every record is applied to Redis before its
 * offset is committed.
 */
public final class DrainScenario {

    private DrainScenario() {
    }

    public static Result run(Options options) throws Exception {
        String bootstrap = options.string("kafka", "127.0.0.1:9092");
        String topic = options.string("topic", "herald.notifications");
        String group = options.string("group", "herald-dispatcher");
        long produce = options.longValue("produce", 200_000);
        int channelCount = options.integer("channels", 10_000);
        String start = options.string("start", "");
        long timeoutS = options.longValue("timeout", 600);
        Result result = new Result().put("scenario", "drain").put("label", options.string("label", ""))
                .put("records", produce).put("channels", channelCount);

        int partitionCount = options.integer("partitions", 6);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                // the dispatcher declares its topic too, but the backlog is written before it starts
                admin.createTopics(List.of(new NewTopic(topic, partitionCount, (short) 1))).all().get();
            }
        }
        String runId = "d" + Long.toString(System.currentTimeMillis(), 36);
        List<ChannelName> channels = new ArrayList<>();
        for (int i = 0; i < channelCount; i++) {
            channels.add(ChannelName.parse("user:" + runId + "-" + i));
        }
        try (KafkaPublisher publisher = new KafkaPublisher(bootstrap, topic, channels,
                new BenchEnvelopes(runId, options.integer("body-bytes", 64)), 5)) {
            Pacer.Run run = Pacer.run(publisher, options.decimal("produce-rate", 200_000), produce, 0,
                    seq -> (int) (seq % channelCount));
            result.put("produceRate", run.actualRate()).put("produceErrors", run.errors());
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
            long end = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get().values().stream().mapToLong(o -> o.offset()).sum();
            long committed0 = committed(admin, group);
            result.put("backlog", end - committed0).put("partitions", partitions.size());
            Process dispatcher = null;
            result.put("load1Before", HostLoad.loadAverage()).put("quietHost", options.string("quiet-host", ""));
            Map<Long, Long> foreign0 = HostLoad.foreignTicks(Set.of());
            try {
                if (!start.isBlank()) {
                    dispatcher = new ProcessBuilder("bash", "-c", "exec " + start)
                            .redirectErrorStream(true)
                            .redirectOutput(new File(options.string("log", "bench/target/dispatcher.log")))
                            .start();
                }
                long t0 = System.nanoTime();
                long firstNanos = 0;
                long firstCommitted = committed0;
                long last = committed0;
                long lastNanos = 0;
                while (last < end && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(timeoutS)) {
                    Thread.sleep(100);
                    long c = committed(admin, group);
                    if (c > last) {
                        if (firstNanos == 0) {
                            firstNanos = System.nanoTime();
                            firstCommitted = c;
                        }
                        last = c;
                        lastNanos = System.nanoTime();
                    }
                }
                double seconds = (lastNanos - firstNanos) / 1e9;
                result.put("committed", last - committed0).put("complete", last >= end)
                        .put("startToFirstCommitMs", firstNanos == 0 ? null : (firstNanos - t0) / 1_000_000)
                        .put("sustainedSeconds", seconds)
                        .put("appliesPerSec", seconds <= 0 ? null : Math.round((last - firstCommitted) / seconds));
                if (dispatcher != null) {
                    ProcStats stats = ProcStats.of(dispatcher.pid());
                    result.put("dispatcherRssMB", stats == null ? null : stats.rssMb());
                }
                result.put("foreignCpuPct", HostLoad.foreignCpuPercent(foreign0,
                        HostLoad.foreignTicks(dispatcher == null ? Set.of() : Set.of(dispatcher.pid())),
                        (System.nanoTime() - t0) / 1e9));
            } finally {
                if (dispatcher != null) {
                    dispatcher.destroy();
                    if (!dispatcher.waitFor(20, TimeUnit.SECONDS)) {
                        dispatcher.destroyForcibly();
                    }
                }
            }
        }
        Path out = Path.of(options.string("out", "bench/target/results"));
        options.checkAllUsed();
        System.out.println("drain:");
        result.print(System.out);
        result.append(out, "drain");
        return result;
    }

    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }
}
