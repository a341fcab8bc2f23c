package io.herald.client.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** {@link Transport} over the JDK's {@code java.net.http.WebSocket} (Java 11+, no dependency). */
public final class JdkTransport implements Transport {

    /** How long a closing handshake may take before the connection is dropped. */
    private static final long CLOSE_GRACE_SECONDS = 5;

    private final HttpClient httpClient;

    /** A transport with an {@link HttpClient} of its own. */
    public JdkTransport() {
        this(HttpClient.newHttpClient());
    }

    /** A transport using this client (for its proxy, SSL context or executor). */
    public JdkTransport(HttpClient httpClient) {
        this.httpClient = httpClient;
    }

    @Override
    public CompletableFuture<Connection> connect(URI uri, Map<String, String> headers, Duration timeout, Listener listener) {
        WebSocket.Builder builder = httpClient.newWebSocketBuilder().connectTimeout(timeout);
        headers.forEach(builder::header);
        Adapter adapter = new Adapter(listener);
        return builder.buildAsync(uri, adapter)
                .handle((webSocket, error) -> {
                    if (error != null) {
                        throw new CompletionException(translate(error));
                    }
                    return adapter.connectionFor(webSocket);
                });
    }

    private static Throwable translate(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            return new HandshakeException(status, "the server refused the WebSocket upgrade with HTTP " + status);
        }
        return cause;
    }

    private static final class JdkConnection implements Connection {

        private final WebSocket webSocket;
        /** The JDK allows one outstanding send: each send waits for the one before. */
        private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

        JdkConnection(WebSocket webSocket) {
            this.webSocket = webSocket;
        }

        @Override
        public synchronized void sendText(String text) {
            lastSend = lastSend.handle((ignored, error) -> null)
                    .thenCompose(ignored -> webSocket.sendText(text, true));
        }

        @Override
        public synchronized void close(int code, String reason) {
            lastSend = lastSend.handle((ignored, error) -> null)
                    .thenCompose(ignored -> webSocket.sendClose(code, reason))
                    .orTimeout(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS)
                    .whenComplete((ignored, error) -> {
                        if (error != null) {
                            webSocket.abort();
                        }
                    });
            // the server answers our close; if it does not within the grace period, drop the connection
            CompletableFuture.delayedExecutor(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS).execute(() -> {
                if (!webSocket.isInputClosed()) {
                    webSocket.abort();
                }
            });
        }

        @Override
        public void abort() {
            webSocket.abort();
        }
    }

    /** Joins fragmented text frames and asks for the next frame once the client has taken this one. */
    private static final class Adapter implements WebSocket.Listener {

        private final Listener listener;
        private final StringBuilder partial = new StringBuilder();
        private Connection connection;

        Adapter(Listener listener) {
            this.listener = listener;
        }

        /** The one connection of this WebSocket, whichever of onOpen and the handshake's future comes first. */
        synchronized Connection connectionFor(WebSocket webSocket) {
            if (connection == null) {
                connection = new JdkConnection(webSocket);
            }
            return connection;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            listener.onOpen(connectionFor(webSocket));
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            String text = partial.toString();
            partial.setLength(0);
            CompletionStage<?> taken = listener.onText(text);
            if (taken == null) {
                webSocket.request(1);
            } else {
                taken.whenComplete((ignored, error) -> webSocket.request(1));
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            // not part of the protocol (docs/protocol.md section 4): ignored
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            listener.onClose(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            listener.onError(error);
        }
    }
}
