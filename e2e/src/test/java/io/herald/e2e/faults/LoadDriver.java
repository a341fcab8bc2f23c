package io.herald.e2e.faults;

import io.herald.e2e.support.Systems;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A producer service posting a steady load through ingest: round robin over its channels at a fixed rate, one
 * request at a time so that each channel's order is the posting order. Every notification carries a counter
 * {@code data.n} per channel and an {@code Idempotency-Key}; a failed or unanswered post is retried with the
 * same key until ingest accepts it, as a careful producer would, so "sent" is exactly what ingest accepted.
 */
final class LoadDriver implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI endpoint;
    private final List<String> channels;
    private final long intervalNanos;
    private final Map<String, Integer> accepted = new LinkedHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final String run;
    private volatile long retries;

    LoadDriver(URI ingest, List<String> channels, int perSecond, String run) {
        this.endpoint = ingest.resolve("/v1/notifications");
        this.channels = List.copyOf(channels);
        this.intervalNanos = 1_000_000_000L / perSecond;
        this.run = run;
        channels.forEach(channel -> accepted.put(channel, 0));
        this.thread = new Thread(this::drive, "load-" + run);
        this.thread.setDaemon(true);
    }

    LoadDriver start() {
        thread.start();
        return this;
    }

    /** Accepted notifications per channel so far (counters 0..count-1). */
    synchronized Map<String, Integer> accepted() {
        return Map.copyOf(accepted);
    }

    synchronized int total() {
        return accepted.values().stream().mapToInt(Integer::intValue).sum();
    }

    long retries() {
        return retries;
    }

    private void drive() {
        long next = System.nanoTime();
        int turn = 0;
        while (running.get()) {
            String channel = channels.get(turn++ % channels.size());
            int n;
            synchronized (this) {
                n = accepted.get(channel);
            }
            post(channel, n);
            synchronized (this) {
                accepted.put(channel, n + 1);
            }
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                pauseNanos(wait);
            } else {
                next = System.nanoTime(); // fell behind during a fault: do not burst to catch up
            }
        }
    }

    private void post(String channel, int n) {
        String key = run + "-" + channel.replace(':', '-') + "-" + n;
        String body = "{\"id\":\"" + key + "\",\"channel\":\"" + channel + "\",\"type\":\"e2e.load\",\"data\":{\"n\":" + n + "}}";
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .header("Authorization", "Bearer " + Systems.PRODUCER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    return;
                }
                if (response.statusCode() / 100 == 4 && response.statusCode() != 409 && response.statusCode() != 429) {
                    throw new IllegalStateException("ingest refused a valid notification: " + response.statusCode()
                            + " " + response.body());
                }
            } catch (IOException e) {
                // ingest unreachable or timed out: retry with the same idempotency key
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            retries++;
            pauseNanos(200_000_000L);
        }
    }

    private static void pauseNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)); // pacing the load, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
