package io.herald.e2e.dev;

import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.HeraldSystem.Service;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs the whole system on this machine with embedded defaults, for people: a Kafka broker on 9092 keeping its
 * data under {@code .herald/kafka} (a second run finds the first run's notifications), a redis-server on a free
 * port, the dispatcher on 8082, ingest on 8080 and an edge on 8081 serving the demo page. Everything listens on
 * 127.0.0.1 only. The edge hands out dev tokens ({@code GET /dev/token?user=<id>}) signed with a secret kept in
 * {@code .herald/dev-secret}, and ingest lets the demo page post from the edge's origin.
 *
 * <p>Ctrl-C (SIGINT) or SIGTERM stops the services in order (edges, ingest, dispatcher, Redis, Kafka), each
 * gracefully. Started by {@code ./herald-dev} (or {@code ./mvnw -pl e2e exec:exec}); logs go to {@code .herald/logs}.
 */
public final class DevMode {

    static final int KAFKA_PORT = 9092;
    static final int INGEST_PORT = 8080;
    static final int EDGE_PORT = 8081;
    static final int DISPATCHER_PORT = 8082;

    private DevMode() {
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("herald.root", ".")).toAbsolutePath().normalize();
        Path work = root.resolve(".herald");
        StopSignal stop = StopSignal.install();
        List<String> busy = Ports.busy(KAFKA_PORT, INGEST_PORT, EDGE_PORT, DISPATCHER_PORT);
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
        stop.await();
        System.out.println("Stopping Herald...");
        system.close();
        System.out.println("Stopped. Kafka's data stays in " + root.relativize(work.resolve("kafka"))
                + "; delete .herald/ to start from scratch.");
    }

    static HeraldSystem.Settings settings(Path root, Path work, String devSecret) {
        String loopbackOnly = "--server.address=127.0.0.1";
        HeraldSystem.Settings plain = new HeraldSystem.Settings(root, work, KAFKA_PORT, INGEST_PORT, DISPATCHER_PORT,
                List.of(EDGE_PORT), "herald.notifications", 6)
                .withArgs(Service.INGEST, loopbackOnly)
                .withArgs(Service.EDGE, loopbackOnly)
                .withArgs(Service.DISPATCHER, loopbackOnly);
        return new DemoSettings(devSecret, EDGE_PORT).applyTo(plain);
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
                  ingest      http://127.0.0.1:%d         POST /v1/notifications
                  edge        ws://127.0.0.1:%d/ws        dev tokens: http://127.0.0.1:%d/dev/token?user=42
                  dispatcher  http://127.0.0.1:%d/actuator/health
                  Kafka       %s          data in .herald/kafka (kept between runs)
                  Redis       %s
                  logs        .herald/logs/

                Post a notification to user 42 (the demo page shows it at once):
                  curl -i -H 'Content-Type: application/json' \\
                       -d '{"channel":"user:42","type":"hello","data":{"text":"Hi from curl"}}' \\
                       http://127.0.0.1:%d/v1/notifications

                Press Ctrl-C to stop.
                """, startSeconds, edge, ingest, edge, edge, system.dispatcher().port(),
                system.kafka().bootstrapServers(), system.redis().url(), ingest);
    }
}
