package io.herald.testkit.ws;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A WebSocket client for tests, on the JDK's {@link java.net.http.WebSocket}, that records every text frame.
 *
 * <ul>
 *   <li>{@link #frames()}: every text message received so far, in order (a message the JDK hands over in parts
 *       is recorded once, joined).</li>
 *   <li>{@link #awaitFrame}: waits for the first frame that matches and that no earlier {@code awaitFrame} call
 *       returned. Frames that did not match stay available to later calls, so the order of the awaits need not
 *       follow the order of arrival; assert on {@link #frames()} when the order matters.</li>
 *   <li>{@link #pauseReading()}: stops asking the connection for messages, so the JDK stops reading the socket
 *       and the server's send buffer fills, as with a slow client.</li>
 * </ul>
 * Thread-safe.
 */
public final class WsTestClient implements AutoCloseable {

    /** How long connecting, sending and the close handshake may take. */
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(10);
    private static final int FRAMES_IN_FAILURE_MESSAGE = 20;

    private final Object lock = new Object();
    private final List<String> frames = new ArrayList<>();
    private final List<Boolean> returned = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private CloseStatus closeStatus;
    private Throwable error;
    private boolean paused;
    private boolean demandPending;
    private WebSocket webSocket;

    private WsTestClient() {
    }

    /** Connects to {@code uri} ({@code ws://} or {@code wss://}) and returns once the handshake succeeded. */
    public static WsTestClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    /**
     * Connects with extra handshake headers (e.g. {@code Authorization}).
     *
     * @throws WsHandshakeException when the server answers the upgrade with another HTTP status
     */
    public static WsTestClient connect(URI uri, Map<String, String> headers) {
        WsTestClient client = new WsTestClient();
        WebSocket.Builder builder = SharedHttpClient.INSTANCE.newWebSocketBuilder().connectTimeout(IO_TIMEOUT);
        headers.forEach(builder::header);
        try {
            WebSocket socket = builder.buildAsync(uri, client.new Listener())
                    .get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (client.lock) {
                client.webSocket = socket;
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                throw new WsHandshakeException(uri, handshake.getResponse().statusCode(), handshake);
            }
            throw new IllegalStateException("cannot connect to " + uri + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no WebSocket handshake with " + uri + " within " + IO_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + uri, e);
        }
        return client;
    }

    /** Sends one text frame and waits until the JDK has written it. */
    public void send(String text) {
        WebSocket socket = socket();
        // The JDK rejects a send while the previous one is still in progress.
        synchronized (this) {
            complete(socket.sendText(text, true), "send");
        }
    }

    /** Every text frame received so far, in order; an immutable snapshot. */
    public List<String> frames() {
        synchronized (lock) {
            return List.copyOf(frames);
        }
    }

    /**
     * The first frame matching {@code matcher} that no earlier call returned, waiting up to {@code timeout}.
     *
     * @throws AssertionError when none arrives in time or the connection closes first; the message lists the
     *     last frames received
     */
    public String awaitFrame(Predicate<String> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            int scanned = 0;
            while (true) {
                for (; scanned < frames.size(); scanned++) {
                    if (!returned.get(scanned) && matcher.test(frames.get(scanned))) {
                        returned.set(scanned, true);
                        return frames.get(scanned);
                    }
                }
                if (closeStatus != null || error != null) {
                    throw new AssertionError("connection ended (" + endDescription() + ") before a matching frame; "
                            + recentFrames());
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("no matching frame within " + timeout.toMillis() + " ms; "
                            + recentFrames());
                }
                waitOnLock(remaining);
            }
        }
    }

    /** True once the connection has ended, by a close frame or by a failure (e.g. the server was killed). */
    public boolean isEnded() {
        synchronized (lock) {
            return closeStatus != null || error != null;
        }
    }

    /** The close code and reason the server sent, once it did. */
    public Optional<CloseStatus> closeStatus() {
        synchronized (lock) {
            return Optional.ofNullable(closeStatus);
        }
    }

    /**
     * Waits until the server closes the connection and returns its close code and reason.
     *
     * @throws AssertionError when it stays open for {@code timeout} or breaks without a close frame
     */
    public CloseStatus awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (closeStatus == null) {
                if (error != null) {
                    throw new AssertionError("connection failed without a close frame: " + error, error);
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("connection still open after " + timeout.toMillis() + " ms; "
                            + recentFrames());
                }
                waitOnLock(remaining);
            }
            return closeStatus;
        }
    }

    /** Stops reading: frames stay in the socket and, once its buffers are full, in the server. */
    public void pauseReading() {
        synchronized (lock) {
            paused = true;
        }
    }

    /** Reads again after {@link #pauseReading()}. */
    public void resumeReading() {
        boolean request;
        synchronized (lock) {
            paused = false;
            request = demandPending;
            demandPending = false;
        }
        if (request) {
            socket().request(1);
        }
    }

    /**
     * Sends a normal close (1000) and waits for the server's close frame; drops the connection if that does
     * not come within 10 s. Reading resumes so that the close frame can arrive.
     */
    @Override
    public void close() {
        WebSocket socket = socket();
        if (socket.isOutputClosed() && socket.isInputClosed()) {
            return;
        }
        resumeReading();
        try {
            if (!socket.isOutputClosed()) {
                synchronized (this) {
                    complete(socket.sendClose(WebSocket.NORMAL_CLOSURE, ""), "close");
                }
            }
            awaitClose(IO_TIMEOUT);
        } catch (AssertionError | RuntimeException e) {
            // The server did not finish the close handshake: do not leave the connection behind.
        } finally {
            socket.abort();
        }
    }

    /** Drops the TCP connection without a close frame, as a crashed client or a lost network would. */
    public void abort() {
        socket().abort();
    }

    private WebSocket socket() {
        synchronized (lock) {
            return webSocket;
        }
    }

    private String endDescription() {
        return closeStatus != null ? "close " + closeStatus : "error " + error;
    }

    private String recentFrames() {
        int from = Math.max(0, frames.size() - FRAMES_IN_FAILURE_MESSAGE);
        return frames.size() + " frame(s) received, last " + (frames.size() - from) + ": " + frames.subList(from, frames.size());
    }

    private void waitOnLock(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the WebSocket", e);
        }
    }

    private static void complete(CompletionStage<?> stage, String operation) {
        try {
            stage.toCompletableFuture().get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("WebSocket " + operation + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("WebSocket " + operation + " not done within " + IO_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during WebSocket " + operation, e);
        }
    }

    /** Records what arrives and asks for one message at a time unless reading is paused. */
    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket socket) {
            synchronized (lock) {
                webSocket = socket;
            }
            requestNext(socket);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            synchronized (lock) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    returned.add(false);
                    partial.setLength(0);
                    lock.notifyAll();
                }
            }
            requestNext(socket);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            requestNext(socket);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket socket, ByteBuffer message) {
            requestNext(socket);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            requestNext(socket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            synchronized (lock) {
                closeStatus = new CloseStatus(statusCode, reason);
                lock.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable failure) {
            synchronized (lock) {
                error = failure;
                lock.notifyAll();
            }
        }

        private void requestNext(WebSocket socket) {
            synchronized (lock) {
                if (paused) {
                    demandPending = true;
                    return;
                }
            }
            socket.request(1);
        }
    }

    /** One client for every connection: on Java 17 an HttpClient cannot be closed, only dropped. */
    private static final class SharedHttpClient {
        static final HttpClient INSTANCE = HttpClient.newHttpClient();
    }
}
