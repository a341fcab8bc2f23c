package io.herald.edge.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A well-behaved client and its publisher: notifications are published on the client's channel at a steady
 * pace while tests attack the same node, and {@link #assertServed} checks that every one so far arrived, in
 * order, once, and within the latency bound, measured from before the publish to the arrival of the frame.
 */
public final class SteadyClient implements AutoCloseable {

    private final Pipeline pipeline;
    private final String channel;
    private final WebSocket socket;
    private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "steady-publisher");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger published = new AtomicInteger();
    private final ConcurrentHashMap<Integer, Long> publishedAtNanos = new ConcurrentHashMap<>();
    private final List<Arrival> arrivals = new ArrayList<>();
    private volatile boolean subscribed;

    private record Arrival(int n, long atNanos) {
    }

    public SteadyClient(URI ws, Pipeline pipeline, String channel, Duration period) {
        this.pipeline = pipeline;
        this.channel = channel;
        try {
            this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new Listener())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("steady client cannot connect: " + e, e);
        }
        socket.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}", true).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> subscribed);
        publisher.scheduleAtFixedRate(this::publishOne, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void publishOne() {
        int n = published.get();
        publishedAtNanos.put(n, System.nanoTime());
        try {
            pipeline.publish(channel, n);
            published.incrementAndGet();
        } catch (RuntimeException e) {
            // not published: the next run publishes the same n again, and a failing run must not stop the schedule
        }
    }

    /** Every notification published so far arrived, in order, exactly once, each within {@code bound}. */
    public void assertServed(Duration bound) {
        int count = published.get();
        assertThat(count).as("notifications published to the steady client").isPositive();
        await().atMost(bound.plusSeconds(5)).until(() -> arrivals().size() >= count);
        List<Arrival> seen = arrivals();
        for (int n = 0; n < count; n++) {
            Arrival arrival = seen.get(n);
            assertThat(arrival.n()).as("notification at index %d", n).isEqualTo(n);
            Duration latency = Duration.ofNanos(arrival.atNanos() - publishedAtNanos.get(n));
            assertThat(latency).as("latency of notification %d", n).isLessThanOrEqualTo(bound);
        }
    }

    public int published() {
        return published.get();
    }

    private List<Arrival> arrivals() {
        synchronized (arrivals) {
            return List.copyOf(arrivals);
        }
    }

    @Override
    public void close() {
        publisher.shutdownNow();
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                JsonNode frame = Frames.parse(partial.toString());
                partial.setLength(0);
                String op = frame.path("op").asString();
                if ("subscribed".equals(op)) {
                    subscribed = true;
                } else if ("message".equals(op) && channel.equals(frame.path("channel").asString())) {
                    synchronized (arrivals) {
                        arrivals.add(new Arrival(frame.path("n").path("data").path("n").asInt(), now));
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
