package io.herald.e2e.dev;

import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.HeraldSystem.Service;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs the whole system on this machine with embedded defaults, for people: a Kafka broker on 9092 keeping its
 * data under {@code .herald/kafka} (a second run finds the first run's notifications), a redis-server on a free
 * port, the dispatcher on 8082, ingest on 8080 and an edge on 8081 serving the demo page, their health and
 * metrics on 9082, 9080 and 9081. Everything listens on 127.0.0.1 only. The edge hands out dev tokens
 * ({@code GET /dev/token?user=<id>}) signed with a secret kept in {@code .herald/dev-secret}, and ingest lets the
 * demo page post from the edge's origin without an API key.
 *
 * <p>Ctrl-C (SIGINT) or SIGTERM stops the services in order (edges, ingest, dispatcher, Redis, Kafka), each
 * gracefully. Commands typed in its terminal stop and start one service ({@link DevServices}), and it says so when
 * a service it started dies. Started by {@code ./herald-dev} (or {@code ./mvnw -pl e2e exec:exec}); logs go to {@code .herald/logs}.
 */
public final class DevMode {

    static final int KAFKA_PORT = 9092;
    static final int INGEST_PORT = 8080;
    static final int EDGE_PORT = 8081;
    static final int DISPATCHER_PORT = 8082;
    /** Each service's management port is its port plus this: 9080, 9081, 9082, the services' own defaults. */
    static final int MANAGEMENT_PORT_OFFSET = 1000;

    private DevMode() {
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("herald.root", ".")).toAbsolutePath().normalize();
        Path work = Path.of(System.getProperty("herald.work", root.resolve(".herald").toString())).toAbsolutePath().normalize();
        StopSignal stop = StopSignal.install();
        List<String> busy = Ports.busy(KAFKA_PORT, INGEST_PORT, EDGE_PORT, DISPATCHER_PORT, INGEST_PORT + MANAGEMENT_PORT_OFFSET,
                EDGE_PORT + MANAGEMENT_PORT_OFFSET, DISPATCHER_PORT + MANAGEMENT_PORT_OFFSET);
        if (!busy.isEmpty()) {
            System.err.println("Cannot start Herald: port(s) " + String.join(", ", busy) + " already in use. Is another"
                    + " Herald dev mode running? Stop it (Ctrl-C in its terminal) or free the port(s).");
            System.exit(1);
        }
        System.out.println("Starting Herald (Kafka, Redis, dispatcher, ingest, edge); logs in " + root.relativize(work.resolve("logs")));
        HeraldSystem system;
        try {
            system = HeraldSystem.start(settings(root, work, DevSecret.loadOrCreate(work.resolve("dev-secret"))));
        } catch (RuntimeException | AssertionError e) {
            if (stop.requested()) {
                System.out.println("Stopped before Herald was up.");
                return;
            }
            System.err.println("Herald did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(banner(system, secondsSinceJvmStart()));
        DevServices services = new DevServices(system, root, System.out::println);
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(daemon("herald-dev-watch"));
        watch.scheduleWithFixedDelay(() -> {
            if (!stop.requested()) { // at Ctrl-C the services get the SIGINT too: their end is no news
                services.reportDeaths();
            }
        }, 500, 500, TimeUnit.MILLISECONDS);
        daemon("herald-dev-console").newThread(() -> readCommands(services, stop)).start();
        stop.await();
        watch.shutdownNow();
        System.out.println("Stopping Herald...");
        system.close();
        System.out.println("Stopped. Kafka's data stays in " + root.relativize(work.resolve("kafka"))
                + "; delete .herald/ to start from scratch.");
    }

    /** Carries out the commands typed in the dev mode's terminal, one a line, until its input ends. */
    private static void readCommands(DevServices services, StopSignal stop) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !stop.requested()) {
                services.run(line);
            }
        } catch (IOException e) {
            // no terminal (started in the background): the dev mode runs without commands
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    static HeraldSystem.Settings settings(Path root, Path work, String devSecret) {
        String[] loopbackOnly = {"--server.address=127.0.0.1", "--management.server.address=127.0.0.1"};
        HeraldSystem.Settings plain = new HeraldSystem.Settings(root, work, KAFKA_PORT, INGEST_PORT, DISPATCHER_PORT,
                List.of(EDGE_PORT), "herald.notifications", 6)
                .withManagementPortOffset(MANAGEMENT_PORT_OFFSET)
                .withArgs(Service.INGEST, loopbackOnly)
                .withArgs(Service.EDGE, loopbackOnly)
                .withArgs(Service.DISPATCHER, loopbackOnly);
        // a front end of the developer's on another origin: the edge reads the variable itself, ingest needs telling
        String frontEnds = System.getenv().getOrDefault("HERALD_EDGE_ALLOWEDORIGINS", "");
        List<String> origins = java.util.Arrays.stream(frontEnds.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
        return new DemoSettings(devSecret, EDGE_PORT, origins).applyTo(plain);
    }

    private static double secondsSinceJvmStart() {
        return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    }

    static String banner(HeraldSystem system, double startSeconds) {
        int ingest = system.ingest().port();
        int edge = system.edge(0).port();
        return String.format(Locale.ROOT, """

                Herald is running (up in %.0f s).
                  demo page   http://127.0.0.1:%d/        <- open this in a browser
                  ingest      http://127.0.0.1:%d         POST /v1/notifications (no API key in the dev mode)
                  edge        ws://127.0.0.1:%d/ws        dev tokens: http://127.0.0.1:%d/dev/token?user=42
                  dispatcher  http://127.0.0.1:%d/actuator/health   (management ports: ingest %d, edge %d)
                  Kafka       %s          data in .herald/kafka (kept between runs)
                  Redis       %s
                  logs        .herald/logs/

                Post a notification to user 42 (the demo page shows it at once):
                  curl -i -H 'Content-Type: application/json' \\
                       -d '{"channel":"user:42","type":"hello","data":{"text":"Hi from curl"}}' \\
                       http://127.0.0.1:%d/v1/notifications

                Type a command here: 'stop edge' / 'start edge' (also ingest, dispatcher, redis), 'status', 'help'.
                Press Ctrl-C to stop everything.
                """, startSeconds, edge, ingest, edge, edge, system.dispatcher().managementPort(),
                system.ingest().managementPort(), system.edge(0).managementPort(),
                system.kafka().bootstrapServers(), system.redis().url(), ingest);
    }
}
