package io.herald.edge.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An event-stream client for tests that parses the raw stream as the HTML standard says an EventSource does
 * ({@code id}, {@code event}, {@code data} fields; a blank line dispatches; {@code :} lines are comments) and
 * records every event and comment. Unlike a browser it does not reconnect: tests reconnect explicitly, passing
 * {@link #lastEventId()} as the {@code Last-Event-ID} header, exactly what a browser sends.
 */
public final class SseTestClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A dispatched event; {@code id} is the last event ID at that point, as a browser's MessageEvent has it. */
    public record Event(String id, String name, String data) {
    }

    private final Object lock = new Object();
    private final List<Event> events = new ArrayList<>();
    private final InputStream body;
    private final Thread reader;
    private int comments;
    private boolean ended;
    private boolean paused;
    private String lastEventId = "";

    private SseTestClient(InputStream body) {
        this.body = body;
        this.reader = new Thread(this::read, "sse-test-client");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** A plain GET (no {@code Accept}), for refusals and other endpoints: status, headers and body. */
    public static HttpResponse<String> get(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens the stream; fails the test unless the server answers 200 with {@code text/event-stream}. */
    public static SseTestClient connect(URI uri, Map<String, String> headers) {
        try {
            HttpResponse<InputStream> response = HTTP.sendAsync(request(uri, headers),
                    HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
                String text = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                response.body().close();
                throw new AssertionError("stream refused: " + response.statusCode() + " " + type + " " + text);
            }
            return new SseTestClient(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot open " + uri + ": " + e, e);
        }
    }

    public List<Event> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    public List<Event> events(String name) {
        return events().stream().filter(e -> e.name().equals(name)).toList();
    }

    /** The last event ID the stream set (what a browser would send as {@code Last-Event-ID}). */
    public String lastEventId() {
        synchronized (lock) {
            return lastEventId;
        }
    }

    public int comments() {
        synchronized (lock) {
            return comments;
        }
    }

    public boolean ended() {
        synchronized (lock) {
            return ended;
        }
    }

    /** Waits for the first event (in arrival order) that matches. */
    public Event awaitEvent(Predicate<Event> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                for (Event event : events) {
                    if (matcher.test(event)) {
                        return event;
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    throw new AssertionError((ended ? "stream ended" : "no matching event within " + timeout)
                            + "; events: " + events);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * Stops reading the stream: the JDK then stops taking data from the socket, the buffers fill, and the server
     * sees a client that does not keep up.
     */
    public void pauseReading() {
        synchronized (lock) {
            paused = true;
        }
    }

    public void resumeReading() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    /** Drops the connection, as a closed tab or a lost network would. */
    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // dropping anyway
        }
    }

    private static HttpRequest request(URI uri, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(builder::header);
        return builder.build();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = "";
            String idBuffer = "";
            StringBuilder data = null;
            for (String line = nextLine(lines); line != null; line = nextLine(lines)) {
                if (line.isEmpty()) {
                    // as a browser: the last event ID changes when an event is dispatched, not when its id line arrives
                    synchronized (lock) {
                        lastEventId = idBuffer;
                    }
                    if (data != null) {
                        dispatch(name.isEmpty() ? "message" : name, data.toString());
                    }
                    name = "";
                    data = null;
                } else if (line.startsWith(":")) {
                    synchronized (lock) {
                        comments++;
                        lock.notifyAll();
                    }
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "event" -> name = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        case "id" -> idBuffer = value;
                        default -> { } // retry and unknown fields
                    }
                }
            }
        } catch (IOException e) {
            // the connection ended (closed by the test or the server)
        } finally {
            synchronized (lock) {
                ended = true;
                lock.notifyAll();
            }
        }
    }

    private String nextLine(BufferedReader lines) throws IOException {
        synchronized (lock) {
            while (paused) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return lines.readLine();
    }

    private void dispatch(String name, String data) {
        synchronized (lock) {
            events.add(new Event(lastEventId, name, data));
            lock.notifyAll();
        }
    }
}
