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

    Scenario(HeraldSystem system, String name) {
        this.system = system;
        this.name = name;
        for (int i = 0; i < 4; i++) {
            userChannels.add("user:" + name + "-" + i);
        }
        this.broadcast = "broadcast:" + name;
    }

    /** Runs the scenario and returns the audit of every client and channel. */
    Result run(Runnable fault, Runnable repair) {
        List<ResumingClient> clients = new ArrayList<>();
        List<String> channels = new ArrayList<>(userChannels);
        channels.add(broadcast);
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
            List<Audit> audits = new ArrayList<>();
            clients.forEach(c -> audits.addAll(Audit.of(c, accepted)));
            int reconnects = clients.stream().mapToInt(c -> c.connections() - 1).sum();
            Result result = new Result(name, load.total(), acceptedDuringFault, load.retries(), reconnects,
                    (repairedAt - faultAt) / 1_000_000, (caughtUpAt - repairedAt) / 1_000_000, audits);
            result.write();
            return result;
        } finally {
            clients.forEach(ResumingClient::close);
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
     */
    record Result(String scenario, int sent, long sentDuringFault, long producerRetries, int reconnects,
            long faultMillis, long recoveryMillis, List<Audit> audits) {

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
                            + "\"reconnects\":%d,\"faultMs\":%d,\"recoveryMs\":%d}%n",
                    scenario, sent, sentDuringFault, producerRetries, expected(), delivered(), missing(), duplicated(),
                    reordered(), resets(), reconnects, faultMillis, recoveryMillis);
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
