package io.herald.e2e.dev;

import io.herald.e2e.system.HeraldSystem;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole system on this machine with embedded defaults: a Kafka broker keeping its data under
 * {@code .herald/kafka} (a second run finds the first run's notifications), a redis-server, the dispatcher on
 * 8082, ingest on 8080 and an edge on 8081. Ctrl-C stops everything.
 */
public final class DevMode {

    private DevMode() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path root = Path.of(System.getProperty("herald.root", ".")).toAbsolutePath().normalize();
        Path work = root.resolve(".herald");
        System.out.println("Starting Herald (Kafka, Redis, dispatcher, ingest, edge); logs in " + work.resolve("logs"));
        HeraldSystem system = HeraldSystem.start(new HeraldSystem.Settings(root, work, 9092, 8080, 8082, List.of(8081),
                "herald.notifications", 6));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Herald...");
            system.close();
            stopped.countDown();
        }, "herald-dev-stop"));
        System.out.println(banner(system));
        stopped.await();
    }

    private static String banner(HeraldSystem system) {
        return """

                Herald is running.
                  Kafka       %s   (data in .herald/kafka)
                  Redis       %s
                  ingest      http://127.0.0.1:%d   (POST /v1/notifications)
                  edge        ws://127.0.0.1:%d/ws   (demo page: http://127.0.0.1:%d/)
                  dispatcher  http://127.0.0.1:%d/actuator/health

                Post a notification:
                  curl -i -H 'Content-Type: application/json' \\
                       -d '{"channel":"user:42","type":"hello","data":{"text":"Hi"}}' \\
                       http://127.0.0.1:%d/v1/notifications

                Press Ctrl-C to stop.
                """.formatted(system.kafka().bootstrapServers(), system.redis().url(), system.ingest().port(),
                system.edge(0).port(), system.edge(0).port(), system.dispatcher().port(), system.ingest().port());
    }
}
