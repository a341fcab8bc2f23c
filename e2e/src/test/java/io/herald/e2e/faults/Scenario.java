package io.herald.e2e.faults;

import static org.awaitility.Awaitility.await;

import io.herald.e2e.support.Systems;
import io.herald.e2e.system.HeraldSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One fault scenario on a running system: clients subscribe (half of them on each edge, each to a user channel
 * and the shared broadcast channel), a steady load starts, the fault is injected while notifications flow, the
 * system is repaired, the load runs on a little and stops, and every client is audited once it has caught up
 * (or the wait runs out). The figures go to target/reliability/ for docs/reliability.md.
 */
final class Scenario {

    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    private static final int RATE = 60;
    private static final Duration FAULT_DURATION = Duration.ofSeconds(3);

    private final HeraldSystem system;
    private final String name;
    private final List<String> userChannels = new ArrayList<>();
    private final String broadcast;
    private long acceptedDuringFault;
    private boolean readersFromStart;

    Scenario(HeraldSystem system, String name) {
        this.system = system;
        this.name = name;
        for (int i = 0; i < 4; i++) {
            userChannels.add("user:" + name + "-" + i);
        }
        this.broadcast = "broadcast:" + name;
    }

    /**
     * Also audits, after the scenario, one client per user that subscribes with {@code since: "0-0"}: it must get
     * every notification of its channels, from the Redis log or Kafka, or a reset; never {@code recovered: true}
     * over a hole in a log that Redis lost or that a stale replica holds.
     */
    Scenario withReadersFromStart() {
        readersFromStart = true;
        return this;
    }

    /** The channels the load goes to: the users' and, last, the broadcast channel every client follows. */
    List<String> channels() {
        List<String> channels = new ArrayList<>(userChannels);
        channels.add(broadcast);
        return channels;
    }

    /** Runs the scenario and returns the audit of every client and channel. */
    Result run(Runnable fault, Runnable repair) {
        List<ResumingClient> clients = new ArrayList<>();
        List<String> channels = channels();
        try (LoadDriver load = new LoadDriver(system.ingestUri(), channels, RATE, name)) {
            for (int i = 0; i < 8; i++) {
                String user = name + "-" + (i % 4);
                URI a = Systems.ws(system, 0, user);
                URI b = Systems.ws(system, 1, user);
                clients.add(new ResumingClient(name + "-" + i, i % 2 == 0 ? List.of(a, b) : List.of(b, a),
                        List.of(userChannels.get(i % 4), broadcast)).start(Duration.ofSeconds(30)));
            }
            load.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.total() >= 100);

            int beforeFault = load.total();
            long faultAt = System.nanoTime();
            fault.run();
            holdFault();
            acceptedDuringFault = load.total() - beforeFault;
            repair.run();
            long repairedAt = System.nanoTime();
            int afterRepair = load.total();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.total() >= afterRepair + 60);
            load.close();

            var accepted = load.accepted();
            long caughtUpAt;
            try {
                await().atMost(CATCH_UP).until(() -> clients.stream()
                        .allMatch(c -> Audit.of(c, accepted).stream().allMatch(Audit::complete)));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // fall through: the audit below reports what is missing
            }
            caughtUpAt = System.nanoTime();
            List<ResumingClient> live = List.copyOf(clients);
            List<ResumingClient> audited = new ArrayList<>(clients);
            if (readersFromStart) {
                List<ResumingClient> readers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String user = name + "-" + i;
                    readers.add(new ResumingClient(name + "-from-start-" + i, List.of(Systems.ws(system, i % 2, user)),
                            List.of(userChannels.get(i), broadcast), "0-0").start(Duration.ofSeconds(60)));
                }
                clients.addAll(readers);
                audited.addAll(readers);
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> readers.stream()
                            .allMatch(c -> Audit.of(c, accepted).stream().allMatch(Audit::complete)));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    // fall through: the audit below reports what is missing
                }
            }
            List<Audit> audits = new ArrayList<>();
            audited.forEach(c -> audits.addAll(Audit.of(c, accepted)));
            int reconnects = clients.stream().mapToInt(c -> c.connections() - 1).sum();
            long deliveringAt = deliveringAgain(live, repairedAt);
            Result result = new Result(name, load.total(), acceptedDuringFault, load.retries(), reconnects,
                    (repairedAt - faultAt) / 1_000_000, (caughtUpAt - repairedAt) / 1_000_000,
                    deliveringAt < 0 ? -1 : (deliveringAt - repairedAt) / 1_000_000,
                    Gap.longest(live, faultAt), audits);
            result.write();
            return result;
        } finally {
            clients.forEach(ResumingClient::close);
        }
    }

    /** When every one of the clients had received a message after {@code since}, or -1 if one never did. */
    static long deliveringAgain(List<ResumingClient> clients, long since) {
        long latest = -1;
        for (ResumingClient client : clients) {
            long first = client.firstMessageAfter(since);
            if (first < 0) {
                return -1;
            }
            latest = Math.max(latest, first);
        }
        return latest;
    }

    /**
     * The longest wait, from the fault on, between two consecutive messages of one channel at one client: a
     * partition that stops being applied shows here even while the other partitions flow. It includes the load's
     * own spacing (a channel gets a notification every 5 / {@value #RATE} s, about 83 ms) and the clients' 20 ms
     * polling.
     *
     * @param millis   how long it lasted
     * @param endedAt  when it ended (the message after it arrived), in milliseconds after the fault
     * @param channel  on which channel
     */
    record Gap(long millis, long endedAt, String channel) {

        static Gap longest(List<ResumingClient> clients, long since) {
            Gap longest = new Gap(0, 0, "-");
            for (ResumingClient client : clients) {
                for (String channel : client.channels()) {
                    List<Long> arrivals = client.messageArrivals(channel);
                    for (int i = 1; i < arrivals.size(); i++) {
                        long gap = (arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000;
                        if (arrivals.get(i) >= since && gap > longest.millis()) {
                            longest = new Gap(gap, (arrivals.get(i) - since) / 1_000_000, channel);
                        }
                    }
                }
            }
            return longest;
        }
    }

    /** The fault lasts this long while the load goes on; a duration of the scenario, not a synchronisation. */
    private static void holdFault() {
        try {
            Thread.sleep(FAULT_DURATION.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param sent               notifications ingest accepted in the whole scenario
     * @param sentDuringFault    of those, accepted while the fault lasted
     * @param producerRetries    posts the driver had to retry (ingest or Kafka unavailable)
     * @param reconnects         client reconnections (each resumes with its last IDs)
     * @param faultMillis        from the fault to the repair
     * @param recoveryMillis     from the repair to every client holding every accepted notification (the load runs
     *                           on for about a second after the repair)
     * @param deliveringMillis   from the repair to every client live during the scenario receiving a message again
     *                           (-1: some never did)
     * @param longestGap         from the fault on, the longest time between two consecutive messages of one channel
     *                           at one live client (the load alone spaces them about 83 ms apart)
     */
    record Result(String scenario, int sent, long sentDuringFault, long producerRetries, int reconnects,
            long faultMillis, long recoveryMillis, long deliveringMillis, Gap longestGap, List<Audit> audits) {

        long delivered() {
            return audits.stream().mapToLong(Audit::delivered).sum();
        }

        long expected() {
            return audits.stream().mapToLong(Audit::sent).sum();
        }

        long missing() {
            return audits.stream().mapToLong(Audit::missing).sum();
        }

        long duplicated() {
            return audits.stream().mapToLong(Audit::duplicated).sum();
        }

        long reordered() {
            return audits.stream().mapToLong(Audit::reordered).sum();
        }

        long resets() {
            return audits.stream().mapToLong(Audit::resets).sum();
        }

        List<Audit> faulty() {
            return audits.stream().filter(a -> !a.clean()).toList();
        }

        void write() {
            String json = String.format(
                    "{\"scenario\":\"%s\",\"sent\":%d,\"sentDuringFault\":%d,\"producerRetries\":%d,\"expectedDeliveries\":%d,"
                            + "\"delivered\":%d,\"missing\":%d,\"duplicated\":%d,\"reordered\":%d,\"resets\":%d,"
                            + "\"reconnects\":%d,\"faultMs\":%d,\"recoveryMs\":%d,\"deliveringMs\":%d,\"longestGapMs\":%d,"
                            + "\"longestGapEndedMs\":%d,\"longestGapChannel\":\"%s\"}%n",
                    scenario, sent, sentDuringFault, producerRetries, expected(), delivered(), missing(), duplicated(),
                    reordered(), resets(), reconnects, faultMillis, recoveryMillis, deliveringMillis, longestGap.millis(),
                    longestGap.endedAt(), longestGap.channel());
            System.out.print("RELIABILITY " + json);
            try {
                Path dir = Path.of("target", "reliability");
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(scenario + ".json"), json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
