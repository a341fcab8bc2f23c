package io.herald.client.conformance;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the application saw of a client under test, whichever client it is: per channel the {@code data.n} of each
 * notification in order, resets and refusals; and the client's metrics hooks (connections, closes, attempts) and
 * error callbacks. Thread-safe.
 */
public final class Observed {

    /** An error callback: a protocol or client error code, and the channel it concerns (or null). */
    public record ReportedError(String code, String channel) {
    }

    /** What one channel's listener received. */
    public static final class Channel {
        private final List<Integer> numbers = new CopyOnWriteArrayList<>();
        private final List<String> positions = new CopyOnWriteArrayList<>();
        private final List<String> resets = new CopyOnWriteArrayList<>();
        private final List<String> errors = new CopyOnWriteArrayList<>();

        public List<Integer> numbers() {
            return List.copyOf(numbers);
        }

        public List<String> positions() {
            return List.copyOf(positions);
        }

        /** The reasons of the resets, in order. */
        public List<String> resets() {
            return List.copyOf(resets);
        }

        /** The codes of the channel's refusals. */
        public List<String> errors() {
            return List.copyOf(errors);
        }
    }

    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final List<URI> connected = new CopyOnWriteArrayList<>();
    private final List<Integer> disconnected = new CopyOnWriteArrayList<>();
    private final List<URI> attempts = new CopyOnWriteArrayList<>();
    private final List<ReportedError> errors = new CopyOnWriteArrayList<>();

    public Channel channel(String name) {
        return channels.computeIfAbsent(name, ignored -> new Channel());
    }

    void message(String channel, int n, String position) {
        Channel entry = channel(channel);
        entry.numbers.add(n);
        entry.positions.add(position);
    }

    void reset(String channel, String reason) {
        channel(channel).resets.add(reason);
    }

    void channelError(String channel, String code) {
        channel(channel).errors.add(code);
    }

    void connected(URI edge) {
        connected.add(edge);
    }

    void disconnected(int code) {
        disconnected.add(code);
    }

    void attempt(URI edge) {
        attempts.add(edge);
    }

    void error(String code, String channel) {
        errors.add(new ReportedError(code, channel));
    }

    /** The edges of the welcomed connections, in order. */
    public List<URI> connected() {
        return List.copyOf(connected);
    }

    /** The close codes of connections that had been welcomed (1006 for a broken one), in order. */
    public List<Integer> disconnected() {
        return List.copyOf(disconnected);
    }

    /** Every connection attempt's edge, in order. */
    public List<URI> attempts() {
        return List.copyOf(attempts);
    }

    public List<ReportedError> errors() {
        return List.copyOf(errors);
    }
}
