package io.herald.client.support;

import io.herald.client.transport.HandshakeException;
import io.herald.client.transport.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport whose "server" is the test: every connect opens at once and is recorded, the test then plays the
 * server's frames and closes. For the client's own rules (close codes, duplicates), which a real edge never
 * exercises on purpose; the conformance tests use real edges.
 */
public final class ScriptedTransport implements Transport {

    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<URI> refused = new CopyOnWriteArrayList<>();
    private volatile int refuseStatus;

    /** From now on every upgrade is refused with this HTTP status (0: accepted again). */
    public void refuseWith(int status) {
        refuseStatus = status;
    }

    /** The upgrades refused so far. */
    public List<URI> refused() {
        return List.copyOf(refused);
    }

    @Override
    public CompletableFuture<Connection> connect(URI uri, Map<String, String> headers, Duration timeout, Listener listener) {
        int status = refuseStatus;
        if (status != 0) {
            refused.add(uri);
            return CompletableFuture.failedFuture(new HandshakeException(status, "refused with " + status));
        }
        Session session = new Session(uri, headers, listener);
        sessions.add(session);
        listener.onOpen(session);
        return CompletableFuture.completedFuture(session);
    }

    public List<Session> sessions() {
        return List.copyOf(sessions);
    }

    public Session last() {
        return sessions.get(sessions.size() - 1);
    }

    /** One connection: what the client sent, and the server's side of it. */
    public static final class Session implements Connection {

        private final URI uri;
        private final Map<String, String> headers;
        private final Listener listener;
        private final List<String> sent = new CopyOnWriteArrayList<>();

        Session(URI uri, Map<String, String> headers, Listener listener) {
            this.uri = uri;
            this.headers = headers;
            this.listener = listener;
        }

        public URI uri() {
            return uri;
        }

        public Map<String, String> headers() {
            return headers;
        }

        public List<String> sent() {
            return List.copyOf(sent);
        }

        /** The server sends a frame; returns once the client has taken it. */
        public void serverSends(String frame) {
            listener.onText(frame).toCompletableFuture().join();
        }

        public void serverCloses(int code, String reason) {
            listener.onClose(code, reason);
        }

        @Override
        public void sendText(String text) {
            sent.add(text);
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public void abort() {
        }
    }
}
