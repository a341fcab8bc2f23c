package io.herald.e2e.faults;

import static org.awaitility.Awaitility.await;

import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.ServiceProcess;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.proxy.HaProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A fault scenario on edges behind a real load balancer: many clients connect only through the proxy (each to its
 * user's channel and a shared broadcast channel), a steady load runs, and one or more events break an edge in
 * turn. After each event it measures the reconnect storm: how long until every client the event cut off receives
 * again, how many bounced more than once, and what the surviving edges spent on it (resumes by source, CPU, from
 * their metrics). At the end every client is audited as in {@link Scenario}. The figures go to
 * target/reliability/balanced/ for docs/reliability.md (e2e/balancer-table.py).
 */
final class BalancedScenario {

    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    /** Well above a storm of a few hundred clients; the figures, not this bound, are what the scenario reports. */
    private static final Duration LIVE_AGAIN = Duration.ofSeconds(60);
    private static final int RATE = 80;
    /**
     * Above the clients' 20 ms polling: a frame seen this long after the broken edge lost its last connection came
     * over a live one.
     */
    private static final Duration SEEN_WITHIN = Duration.ofMillis(50);
    private static final int CLIENTS_PER_USER = 9;

    private final HeraldSystem system;
    private final HaProxy proxy;
    private final String name;
    private final int clientCount;
    private final List<String> userChannels = new ArrayList<>();
    private final String broadcast;

    /** @param clients how many clients, {@value #CLIENTS_PER_USER} per user (below the per-user connection limit) */
    BalancedScenario(HeraldSystem system, HaProxy proxy, String name, int clients) {
        this.system = system;
        this.proxy = proxy;
        this.name = name;
        this.clientCount = clients;
        for (int i = 0; i < (clients + CLIENTS_PER_USER - 1) / CLIENTS_PER_USER; i++) {
            userChannels.add("user:" + name + "-" + i);
        }
        this.broadcast = "broadcast:" + name;
    }

    /**
     * One break of one edge, and its repair.
     *
     * @param label  what happened, for the report ("SIGTERM edge-a")
     * @param edge   the edge it breaks
     * @param fault  breaks it; returns once the break is done (a SIGTERM'd edge has exited)
     * @param repair puts it back; returns once the balancer sends it connections again
     */
    record Event(String label, ServiceProcess edge, Runnable fault, Runnable repair) {
    }

    Result run(List<Event> events) {
        List<String> channels = new ArrayList<>(userChannels);
        channels.add(broadcast);
        List<ResumingClient> clients = new ArrayList<>();
        try (LoadDriver load = new LoadDriver(system.ingestUri(), channels, RATE, name)) {
            for (int i = 0; i < clientCount; i++) {
                int user = i / CLIENTS_PER_USER;
                clients.add(new ResumingClient(name + "-" + i, List.of(throughProxy(name + "-" + user)),
                        List.of(userChannels.get(user), broadcast)).start(Duration.ofSeconds(30)));
            }
            load.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.total() >= 100);

            List<Storm> storms = new ArrayList<>();
            for (Event event : events) {
                storms.add(storm(event, clients));
            }
            int afterEvents = load.total();
            await().atMost(Duration.ofSeconds(60)).until(() -> load.total() >= afterEvents + 60);
            load.close();

            Map<String, Integer> accepted = load.accepted();
            try {
                await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(500)).until(() ->
                        Audit.ofAll(clients, accepted).stream().allMatch(Audit::complete));
            } catch (ConditionTimeoutException e) {
                // fall through: the audit below reports what is missing
            }
            int reconnects = clients.stream().mapToInt(c -> c.connections() - 1).sum();
            Result result = new Result(name, clientCount, load.total(), load.retries(), reconnects, storms,
                    Audit.ofAll(clients, accepted));
            result.write();
            return result;
        } finally {
            clients.forEach(ResumingClient::close);
        }
    }

    private Storm storm(Event event, List<ResumingClient> clients) {
        List<ServiceProcess> survivors = system.edges().stream().filter(e -> e != event.edge()).toList();
        Map<String, EdgeMetrics> before = metrics(survivors);
        long faultAt = System.nanoTime();
        event.fault().run();
        long faultDoneAt = System.nanoTime();
        String server = event.edge().name();
        await("no connection left on " + server).atMost(LIVE_AGAIN).pollInterval(Duration.ofMillis(20))
                .until(() -> proxy.currentSessions().getOrDefault(server, 0) == 0);
        // a client whose close the harness has not seen yet gets no message after this: only a live connection does
        long proofAfter = System.nanoTime() + SEEN_WITHIN.toNanos();
        await("every client live again after " + event.label()).atMost(LIVE_AGAIN).pollInterval(Duration.ofMillis(50))
                .until(() -> clients.stream().allMatch(client -> live(client, proofAfter)));
        long liveAt = System.nanoTime();
        Map<String, EdgeMetrics> after = metrics(survivors);
        Map<String, EdgeMetrics> cost = new LinkedHashMap<>();
        after.forEach((edge, metrics) -> cost.put(edge, metrics.since(before.get(edge))));

        List<Long> liveAgainMillis = new ArrayList<>();
        List<Long> offlineMillis = new ArrayList<>();
        int bounced = 0;
        for (ResumingClient client : clients) {
            List<Long> reconnects = client.connectedAt().stream().filter(t -> t >= faultAt && t <= liveAt).toList();
            if (reconnects.isEmpty()) {
                continue;
            }
            if (reconnects.size() > 1) {
                bounced++;
            }
            long firstMessage = client.firstMessageAfter(reconnects.get(reconnects.size() - 1));
            long cutAt = client.endedAt().stream().filter(t -> t >= faultAt).findFirst().orElse(faultAt);
            liveAgainMillis.add((firstMessage - faultAt) / 1_000_000);
            offlineMillis.add((firstMessage - cutAt) / 1_000_000);
        }
        event.repair().run();
        return new Storm(event.label(), (faultDoneAt - faultAt) / 1_000_000, liveAgainMillis.size(), bounced,
                Spread.of(liveAgainMillis), Spread.of(offlineMillis), (liveAt - faultAt) / 1_000_000, cost);
    }

    /** On an open connection that has delivered a message since it opened, and since {@code proofAfter}. */
    private static boolean live(ResumingClient client, long proofAfter) {
        List<Long> connected = client.connectedAt();
        return client.connected()
                && client.firstMessageAfter(Math.max(connected.get(connected.size() - 1), proofAfter)) >= 0;
    }

    private static Map<String, EdgeMetrics> metrics(List<ServiceProcess> edges) {
        Map<String, EdgeMetrics> metrics = new LinkedHashMap<>();
        edges.forEach(edge -> metrics.put(edge.name(), EdgeMetrics.of(edge)));
        return metrics;
    }

    private URI throughProxy(String user) {
        return URI.create("ws://127.0.0.1:" + proxy.port() + "/ws?access_token=" + TOKENS.token(user));
    }

    /** Median, 99th percentile and maximum of some durations, in milliseconds (zeros for none). */
    record Spread(long p50, long p99, long max) {

        static Spread of(List<Long> millis) {
            List<Long> sorted = millis.stream().sorted().toList();
            return sorted.isEmpty() ? new Spread(0, 0, 0)
                    : new Spread(rank(sorted, 50), rank(sorted, 99), sorted.get(sorted.size() - 1));
        }

        private static long rank(List<Long> sorted, int percent) {
            return sorted.get(Math.max(0, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
        }

        String json() {
            return String.format(Locale.ROOT, "{\"p50\":%d,\"p99\":%d,\"max\":%d}", p50, p99, max);
        }
    }

    /**
     * One event's reconnect storm.
     *
     * @param event          what happened
     * @param faultMillis    how long the fault itself took (a SIGTERM'd edge: until it had drained and exited)
     * @param cutOff         clients that had to reconnect
     * @param bounced        of those, clients that reconnected more than once (landed on the failing edge again)
     * @param liveAgain      from the fault (the signal) to each cut-off client receiving again on its new connection;
     *                       the maximum is when every client was live again
     * @param offline        from each cut-off client seeing its connection end (1012, or the socket closing) to it
     *                       receiving again: the client's own outage, without the edge's way to its drain
     * @param settledMillis  from the fault to the harness seeing every client live and none left on the edge
     *                       (its polling included)
     * @param survivors      per surviving edge, what the storm cost it from the fault to {@code settledMillis}
     *                       (sessions: the count afterwards)
     */
    record Storm(String event, long faultMillis, int cutOff, int bounced, Spread liveAgain, Spread offline,
            long settledMillis, Map<String, EdgeMetrics> survivors) {

        String json() {
            String costs = survivors.entrySet().stream().map(e -> String.format(Locale.ROOT,
                    "\"%s\":{\"resumesHot\":%.0f,\"resumesKafka\":%.0f,\"resumesReset\":%.0f,\"sessions\":%.0f,"
                            + "\"cpuSeconds\":%.2f}", e.getKey(), e.getValue().resumesHot(), e.getValue().resumesKafka(),
                    e.getValue().resumesReset(), e.getValue().sessions(), e.getValue().cpuSeconds()))
                    .collect(Collectors.joining(","));
            return String.format(Locale.ROOT, "{\"event\":\"%s\",\"faultMs\":%d,\"cutOff\":%d,\"bounced\":%d,"
                    + "\"liveAgainMs\":%s,\"offlineMs\":%s,\"settledMs\":%d,\"survivors\":{%s}}", event, faultMillis,
                    cutOff, bounced, liveAgain.json(), offline.json(), settledMillis, costs);
        }
    }

    /**
     * @param clients          clients connected through the balancer
     * @param sent             notifications ingest accepted in the whole scenario
     * @param producerRetries  posts the driver had to retry
     * @param reconnects       client reconnections in all
     * @param storms           one per event
     */
    record Result(String scenario, int clients, int sent, long producerRetries, int reconnects, List<Storm> storms,
            List<Audit> audits) {

        long delivered() {
            return audits.stream().mapToLong(Audit::delivered).sum();
        }

        long expected() {
            return audits.stream().mapToLong(Audit::sent).sum();
        }

        List<Audit> faulty() {
            return audits.stream().filter(a -> !a.clean()).toList();
        }

        void write() {
            String json = String.format(Locale.ROOT,
                    "{\"scenario\":\"%s\",\"clients\":%d,\"sent\":%d,\"producerRetries\":%d,\"expectedDeliveries\":%d,"
                            + "\"delivered\":%d,\"missing\":%d,\"duplicated\":%d,\"reordered\":%d,\"resets\":%d,"
                            + "\"reconnects\":%d,\"storms\":[%s]}%n",
                    scenario, clients, sent, producerRetries, expected(), delivered(),
                    audits.stream().mapToLong(Audit::missing).sum(), audits.stream().mapToLong(Audit::duplicated).sum(),
                    audits.stream().mapToLong(Audit::reordered).sum(), audits.stream().mapToLong(Audit::resets).sum(),
                    reconnects, storms.stream().map(Storm::json).collect(Collectors.joining(",")));
            System.out.print("RELIABILITY " + json);
            try {
                // a folder of its own: these rows have other columns than Scenario's (e2e/reliability-table.py)
                Path dir = Path.of("target", "reliability", "balanced");
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(scenario + ".json"), json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
