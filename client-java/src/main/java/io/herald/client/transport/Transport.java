package io.herald.client.transport;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Opens WebSocket connections for the client. The client needs nothing else from a WebSocket library, so another
 * one (OkHttp on Android) is one class implementing this interface; {@link JdkTransport} is the default.
 */
public interface Transport {

    /**
     * Starts the opening handshake. The future completes with the open connection, or exceptionally: with a
     * {@link HandshakeException} when the server answered the upgrade with an HTTP status, with another exception
     * for network failures and timeouts.
     *
     * @param uri      the {@code ws://} or {@code wss://} URL, query parameters included
     * @param headers  request headers to send with the upgrade (e.g. {@code Authorization})
     * @param timeout  how long the handshake may take
     * @param listener receives the connection, its frames and its end
     */
    CompletableFuture<Connection> connect(URI uri, Map<String, String> headers, Duration timeout, Listener listener);

    /** One open WebSocket connection. Its methods may be called from any thread. */
    interface Connection {

        /** Queues one text frame; frames are written in the order of the calls. */
        void sendText(String text);

        /** Starts the closing handshake with this code and reason. */
        void close(int code, String reason);

        /** Drops the connection at once, without a closing handshake. */
        void abort();
    }

    /** What a connection reports. Calls for one connection are never concurrent. */
    interface Listener {

        /** The upgrade succeeded; called before the first {@link #onText} with the connection to send on. */
        void onOpen(Connection connection);

        /**
         * One whole text frame. The transport asks the network for the next frame only when the returned stage
         * completes, so a slow application slows the reading down (and the server sees a slow consumer) instead of
         * frames piling up in memory. A transport without such flow control may ignore the stage.
         */
        CompletionStage<?> onText(String text);

        /** The server closed the connection with this code (1006 when it broke without a close frame). */
        void onClose(int code, String reason);

        /** The connection failed (network error); no {@link #onClose} follows. */
        void onError(Throwable error);
    }
}
