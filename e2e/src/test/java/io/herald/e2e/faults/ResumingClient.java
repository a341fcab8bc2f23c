package io.herald.e2e.faults;

import io.herald.e2e.support.Frames;
import io.herald.testkit.ws.WsTestClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A client that behaves as the JavaScript client does: it subscribes to its channels, and whenever its
 * connection ends (edge killed, 4008, 1012) it reconnects, to the next edge in its list, and resumes every
 * channel from the last ID it received. It keeps every raw frame of every connection, in arrival order, and
 * does no deduplication: the audit judges what the server sent.
 */
final class ResumingClient implements AutoCloseable {

    private final String name;
    private final List<URI> edges;
    private final List<String> channels;
    private final String since;
    private final List<String> frames = new ArrayList<>();
    /** {@link System#nanoTime()} when each frame of {@link #frames} was seen (within the loop's 20 ms polling). */
    private final List<Long> seenAt = new ArrayList<>();
    private final Map<String, String> lastIds = new LinkedHashMap<>();
    /** {@link System#nanoTime()} when each connection's handshake succeeded, the first one included. */
    private final List<Long> connectedAt = new ArrayList<>();
    /** {@link System#nanoTime()} when the loop saw each connection ended (within its 20 ms polling). */
    private final List<Long> endedAt = new ArrayList<>();
    private final Thread loop;
    private volatile boolean running = true;
    /** Set by {@link #goAway()}: once the connection ended, the loop waits for {@link #comeBack()} to reconnect. */
    private volatile boolean away;
    private int connections;
    private WsTestClient current;

    ResumingClient(String name, List<URI> edges, List<String> channels) {
        this(name, edges, channels, null);
    }

    /** @param since the first subscribe's position for every channel, or {@code null} for none (only later ones) */
    ResumingClient(String name, List<URI> edges, List<String> channels, String since) {
        this.name = name;
        this.edges = List.copyOf(edges);
        this.channels = List.copyOf(channels);
        this.since = since;
        this.loop = new Thread(this::run, "client-" + name);
        this.loop.setDaemon(true);
    }

    /** Connects and subscribes; returns once every channel is subscribed. */
    ResumingClient start(Duration timeout) {
        current = WsTestClient.connect(edges.get(0));
        connections = 1;
        synchronized (this) {
            connectedAt.add(System.nanoTime());
        }
        for (String channel : channels) {
            current.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\""
                    + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}");
        }
        for (String channel : channels) {
            JsonNode subscribed = Frames.parse(current.awaitFrame(f -> Frames.is(f, "subscribed", channel), timeout));
            synchronized (this) {
                lastIds.put(channel, subscribed.path("position").asString());
            }
        }
        loop.start();
        return this;
    }

    synchronized List<String> frames() {
        return List.copyOf(frames);
    }

    synchronized int connections() {
        return connections;
    }

    List<String> channels() {
        return channels;
    }

    String name() {
        return name;
    }

    private void run() {
        int seen = 0;
        int edge = 0;
        while (running) {
            WsTestClient connection = current;
            List<String> now = connection.frames();
            synchronized (this) {
                for (; seen < now.size(); seen++) {
                    record(now.get(seen));
                }
            }
            // an aborted connection does not end by itself (no close, no error): going away ends it here
            if (!connection.isEnded() && !away) {
                pause(20);
                continue;
            }
            // the connection ended: take its last frames, then reconnect elsewhere and resume
            now = connection.frames();
            synchronized (this) {
                endedAt.add(System.nanoTime());
                for (; seen < now.size(); seen++) {
                    record(now.get(seen));
                }
            }
            seen = 0;
            while (running && away) {
                pause(20);
            }
            WsTestClient next = null;
            while (running && next == null) {
                edge = (edge + 1) % edges.size();
                try {
                    next = WsTestClient.connect(edges.get(edge));
                } catch (RuntimeException | AssertionError e) {
                    pause(200);
                }
            }
            if (next == null) {
                return;
            }
            next.send("{\"op\":\"resume\",\"token\":\"" + resumeToken() + "\"}");
            synchronized (this) {
                current = next;
                connections++;
                connectedAt.add(System.nanoTime());
            }
        }
    }

    /**
     * Drops the connection as a client that goes offline does (no close frame) and stays away, keeping its last IDs,
     * until {@link #comeBack()}: then it resumes, on the next edge of its list, from where it was.
     */
    void goAway() {
        away = true;
        WsTestClient connection;
        synchronized (this) {
            connection = current;
        }
        connection.abort();
    }

    /** Lets a client that {@link #goAway() went away} reconnect and resume. */
    void comeBack() {
        away = false;
    }

    /** When each connection's handshake succeeded ({@link System#nanoTime()}), in order. */
    synchronized List<Long> connectedAt() {
        return List.copyOf(connectedAt);
    }

    /** When the loop saw each ended connection end ({@link System#nanoTime()}), in order. */
    synchronized List<Long> endedAt() {
        return List.copyOf(endedAt);
    }

    /** Whether the current connection is open (a closed one is being replaced). */
    synchronized boolean connected() {
        return !current.isEnded();
    }

    /** When the first {@code message} frame seen after {@code nanos} arrived, or {@code -1}. */
    synchronized long firstMessageAfter(long nanos) {
        for (int i = 0; i < frames.size(); i++) {
            if (seenAt.get(i) >= nanos && frames.get(i).contains("\"op\":\"message\"")) {
                return seenAt.get(i);
            }
        }
        return -1;
    }

    /** When each {@code message} frame of {@code channel} was seen, in arrival order. */
    synchronized List<Long> messageArrivals(String channel) {
        List<Long> arrivals = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if (Frames.is(frames.get(i), "message", channel)) {
                arrivals.add(seenAt.get(i));
            }
        }
        return arrivals;
    }

    private void record(String frame) {
        frames.add(frame);
        seenAt.add(System.nanoTime());
        JsonNode node = Frames.parse(frame);
        if ("message".equals(node.path("op").asString())) {
            lastIds.put(node.path("channel").asString(), node.path("id").asString());
        }
    }

    private synchronized String resumeToken() {
        StringBuilder json = new StringBuilder("{");
        lastIds.forEach((channel, id) -> json.append(json.length() > 1 ? "," : "")
                .append('"').append(channel).append("\":\"").append(id).append('"'));
        json.append('}');
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // polling a recorded frame list; not synchronisation with the system under test
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        WsTestClient connection;
        synchronized (this) {
            connection = current;
        }
        if (connection != null) {
            connection.abort();
        }
    }
}
