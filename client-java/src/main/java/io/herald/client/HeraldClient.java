package io.herald.client;

import io.herald.client.position.InMemoryPositionStore;
import io.herald.client.position.PositionStore;
import io.herald.client.position.Positions;
import io.herald.client.transport.HandshakeException;
import io.herald.client.transport.JdkTransport;
import io.herald.client.transport.Transport;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client of Herald's WebSocket protocol (docs/protocol.md): subscribes to channels and hands their notifications
 * to the application in order, each once, across reconnects, edge restarts and drains.
 *
 * <pre>{@code
 * HeraldClient client = HeraldClient.builder()
 *         .edges(List.of(URI.create("wss://edge-a.example.com/ws"), URI.create("wss://edge-b.example.com/ws")))
 *         .token(() -> fetchToken())
 *         .positions(new FilePositionStore(Path.of("herald-positions.json")))
 *         .build();
 * client.subscribe("user:42", message -> show(message.type(), message.data()));
 * client.connect();
 * ...
 * client.close();
 * }</pre>
 *
 * <p>What it does for the application: keeps each channel's last position in the {@link PositionStore} (after the
 * listener returned); after any drop reconnects with exponential backoff and full jitter, to the next edge of the
 * list, and resumes every channel from its last position; drops a notification whose position is not after the
 * last one delivered; replaces the token with a {@code refresh} before it expires; pings a silent connection and
 * drops it when nothing answers. It stops (state {@link ConnectionState#CLOSED} and an error) only where the
 * protocol says reconnecting cannot help: close codes 1003, 1008, 4003, 4009, a refused token that a new one from
 * the supplier does not fix, and a handshake refused with 403.
 *
 * <p>Threads: every method may be called from any thread. Every callback (listeners, {@code onReset},
 * {@code onError}, {@code onStateChange}, metrics) runs on the client's one thread, {@code herald-client}, in the
 * order of the frames; a callback may call the client's methods. The token supplier runs on a second thread,
 * {@code herald-client-token}.
 */
public final class HeraldClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HeraldClient.class.getName());
    /** The code the client reports when it drops a connection that stopped answering (the edge uses it the same way). */
    static final int HEARTBEAT_TIMEOUT = 4000;
    /** Channels per {@code resume} frame: the protocol allows at most 1024 in one token. */
    private static final int RESUME_BATCH = 1000;
    /** How long {@link #close()} waits for the client's thread. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final List<URI> edges;
    private final TokenSupplier tokens;
    private final TokenPlacement placement;
    private final PositionStore positions;
    private final Transport transport;
    private final HeraldMetrics metrics;
    private final Consumer<Reset> onReset;
    private final Consumer<HeraldError> onError;
    private final Consumer<ConnectionState> onStateChange;
    private final Backoff backoff;
    private final Duration drainDelay;
    private final Duration stableAfter;
    private final Duration handshakeTimeout;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final Duration refreshBefore;
    private final int maxAuthFailures;
    private final RandomGenerator random;
    private final ObjectMapper json = JsonMapper.builder().build();

    private final ScheduledExecutorService loop;
    private final ExecutorService tokenThread;
    private volatile Thread loopThread;
    private volatile ConnectionState publicState = ConnectionState.IDLE;
    private volatile boolean shutDown;

    // Everything below is touched on the loop thread only.
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private ConnectionState state = ConnectionState.IDLE;
    /** Bumped by every connection attempt and every drop: callbacks of an older connection are ignored. */
    private int generation;
    private Transport.Connection connection;
    private URI edge;
    private int edgeIndex = -1;
    /** Backoff exponent: grows with every failed attempt, back to 0 after a connection that stayed up. */
    private int attempt;
    /** Attempts since the last welcome, for the metrics. */
    private int attemptsSinceWelcome;
    private int authFailures;
    /** The current attempt replaces a refused token: if the supplier cannot give one, stop. */
    private boolean replacingRefusedToken;
    private boolean welcomed;
    private long openedAt;
    private long lastFrameAt;
    private long pingSentAt;
    private String token;
    private String node;
    private List<String> lastResume = List.of();
    private ScheduledFuture<?> reconnectTimer;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> refreshTimer;

    private HeraldClient(Builder builder) {
        this.edges = List.copyOf(builder.edges);
        this.tokens = builder.tokens;
        this.placement = builder.placement;
        this.positions = builder.positions;
        this.transport = builder.transport;
        this.metrics = builder.metrics;
        this.onReset = builder.onReset;
        this.onError = builder.onError;
        this.onStateChange = builder.onStateChange;
        this.backoff = new Backoff(builder.initialBackoff, builder.maxBackoff);
        this.drainDelay = builder.drainDelay;
        this.stableAfter = builder.stableAfter;
        this.handshakeTimeout = builder.handshakeTimeout;
        this.pingInterval = builder.pingInterval;
        this.pongTimeout = builder.pongTimeout;
        this.refreshBefore = builder.refreshBefore;
        this.maxAuthFailures = builder.maxAuthFailures;
        this.random = builder.random;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "herald-client");
            thread.setDaemon(true);
            loopThread = thread;
            return thread;
        });
        // after close() no timer may fire (a reconnect, a retry); work already queued (close's own task) still runs
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        this.loop = executor;
        this.tokenThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-client-token");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- API ----

    /**
     * Opens the connection and keeps it open (reconnecting as needed) until {@link #close()}. Idempotent; after the
     * client stopped by itself (state {@link ConnectionState#CLOSED}, see {@link HeraldError}) it starts over.
     */
    public void connect() {
        checkOpen();
        post(() -> {
            if (state == ConnectionState.IDLE || state == ConnectionState.CLOSED) {
                attempt = 0;
                authFailures = 0;
                replacingRefusedToken = false;
                open(ConnectionState.CONNECTING);
            }
        });
    }

    /**
     * Subscribes to a channel; its notifications go to {@code listener} (a {@link ChannelListener} also receives
     * the channel's {@code reset} and refusal). The subscription starts after the channel's stored position when the
     * {@link PositionStore} has one (nothing missed since then), else at the channel's current end. Callable before
     * or after {@link #connect()}.
     *
     * @throws IllegalStateException when the channel already has a listener
     */
    public void subscribe(String channel, MessageListener listener) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(listener, "listener");
        if (channel.isEmpty()) {
            throw new IllegalArgumentException("channel must not be empty");
        }
        checkOpen();
        call(() -> {
            if (channels.containsKey(channel)) {
                throw new IllegalStateException("already subscribed to " + channel);
            }
            Channel entry = new Channel(channel, listener, positions.get(channel).filter(Positions::isPosition).orElse(null));
            channels.put(channel, entry);
            if (welcomed) {
                entry.catchingUp = true;
                send(subscribeFrame(entry));
            }
            return null;
        });
    }

    /** Stops a channel: no notification of it reaches the application after this returns; its position is forgotten. */
    public void unsubscribe(String channel) {
        checkOpen();
        call(() -> {
            Channel entry = channels.remove(channel);
            if (entry != null) {
                cancel(entry.retry);
                positions.remove(channel);
                if (welcomed) {
                    send(frame("unsubscribe").put("channel", channel));
                }
            }
            return null;
        });
    }

    /** The channel's last position (the last notification processed, or where its subscription started). */
    public Optional<String> position(String channel) {
        return positions.get(channel);
    }

    public ConnectionState state() {
        return publicState;
    }

    /**
     * Closes the connection (1000) and the client's threads for good. Positions stay in the store, so a new client
     * with the same store resumes where this one stopped.
     */
    @Override
    public void close() {
        if (shutDown) {
            return;
        }
        try {
            // bounded: a listener that blocks the client's thread must not block the application's shutdown too
            call(CLOSE_WAIT, () -> {
                generation++;
                cancelTimers();
                channels.values().forEach(entry -> cancel(entry.retry));
                if (connection != null) {
                    connection.close(1000, "client closed");
                    connection = null;
                    if (welcomed) {
                        metrics.disconnected(1000);
                    }
                }
                welcomed = false;
                setState(ConnectionState.CLOSED);
                return null;
            });
        } finally {
            shutDown = true;
            loop.shutdown();
            tokenThread.shutdownNow();
        }
    }

    // ---- connecting ----

    private void open(ConnectionState next) {
        setState(next);
        int current = ++generation;
        edgeIndex = (edgeIndex + 1) % edges.size();
        URI target = edges.get(edgeIndex);
        edge = target;
        metrics.reconnectAttempt(target, ++attemptsSinceWelcome);
        CompletableFuture<String> token = tokens == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(this::fetchToken, tokenThread);
        token.whenComplete((value, error) -> post(() -> {
            if (current != generation) {
                return;
            }
            if (error != null) {
                tokenUnavailable(unwrap(error));
            } else {
                dial(current, target, value);
            }
        }));
    }

    private String fetchToken() {
        try {
            String value = tokens.get();
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("the token supplier returned no token");
            }
            return value;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private void tokenUnavailable(Throwable error) {
        emitError(HeraldError.of("token-unavailable", "the token supplier failed: " + error));
        if (replacingRefusedToken) {
            // the edge refused the last token and no new one can be had: reconnecting would only be refused again
            stop();
        } else {
            reconnectAfter(backoff.delay(attempt++, random));
        }
    }

    private void dial(int current, URI target, String value) {
        token = value;
        URI uri = target;
        Map<String, String> headers = Map.of();
        if (value != null && placement == TokenPlacement.QUERY) {
            uri = withQueryParameter(target, "access_token", value);
        } else if (value != null) {
            headers = Map.of("Authorization", "Bearer " + value);
        }
        // covers the upgrade and the welcome: an edge that accepts TCP and then says nothing is given up on
        handshakeTimer = schedule(() -> {
            if (current == generation && !welcomed) {
                LOG.log(System.Logger.Level.INFO, "herald handshake timed out edge={0} timeout={1}", target, handshakeTimeout);
                dropConnection(1006, "handshake timed out");
            }
        }, handshakeTimeout);
        CompletableFuture<Transport.Connection> opened;
        try {
            opened = transport.connect(uri, headers, handshakeTimeout, new ConnectionListener(current));
        } catch (RuntimeException e) {
            opened = CompletableFuture.failedFuture(e);
        }
        opened.whenComplete((ignored, error) -> {
            if (error != null) {
                post(() -> {
                    if (current == generation) {
                        handshakeFailed(unwrap(error));
                    }
                });
            }
        });
    }

    private void handshakeFailed(Throwable error) {
        cancel(handshakeTimer);
        if (error instanceof HandshakeException refused) {
            int status = refused.status();
            if (status == 401) {
                authRefused("the edge refused the token (HTTP 401)", 0);
                return;
            }
            if (status == 403) {
                emitError(new HeraldError("refused", "the edge refused the connection (HTTP 403: origin not allowed)", null, 0));
                stop();
                return;
            }
            if (status != 429 && status != 503) {
                emitError(HeraldError.of("refused", "the edge answered the upgrade with HTTP " + status + "; retrying"));
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "herald connection failed edge={0} error={1}", edge, error);
        reconnectAfter(backoff.delay(attempt++, random));
    }

    private void authRefused(String message, int closeCode) {
        authFailures++;
        if (authFailures >= maxAuthFailures || tokens == null) {
            emitError(new HeraldError("unauthorized", message + "; " + authFailures + " time(s) in a row, giving up", null, closeCode));
            stop();
            return;
        }
        replacingRefusedToken = true;
        reconnectAfter(Duration.ZERO); // with a new token from the supplier
    }

    private void reconnectAfter(Duration delay) {
        setState(ConnectionState.RECONNECTING);
        cancel(reconnectTimer);
        reconnectTimer = schedule(() -> {
            if (state == ConnectionState.RECONNECTING) {
                open(ConnectionState.RECONNECTING);
            }
        }, delay);
    }

    private void stop() {
        generation++;
        cancelTimers();
        if (connection != null) {
            connection.abort();
            connection = null;
        }
        setState(ConnectionState.CLOSED);
    }

    /** The client gives up on the current connection itself (silent edge, handshake timeout). */
    private void dropConnection(int code, String reason) {
        Transport.Connection dropped = connection;
        generation++;
        if (dropped != null) {
            dropped.abort();
        }
        closed(code, reason);
    }

    /** The connection ended: decides, by close code (docs/protocol.md section 6), whether and when to reconnect. */
    private void closed(int code, String reason) {
        boolean wasWelcomed = welcomed;
        welcomed = false;
        connection = null;
        cancelTimers();
        channels.values().forEach(entry -> cancel(entry.retry));
        if (wasWelcomed) {
            metrics.disconnected(code);
            if (nanosToMillis(System.nanoTime()) - openedAt >= stableAfter.toMillis()) {
                attempt = 0;
            }
        }
        LOG.log(System.Logger.Level.INFO, "herald connection closed edge={0} code={1} reason={2}", edge, String.valueOf(code), reason);
        switch (code) {
            case 1003, 1008, 4003, 4009 -> {
                // the client's own fault or a limit: reconnecting in a loop would only repeat it
                emitError(new HeraldError("closed", "the edge closed the connection with " + code + " (" + reason
                        + "); not reconnecting", null, code));
                stop();
            }
            case 4001 -> authRefused("the token expired (close 4001)", code);
            // a draining node: go to another one soon, each client at a random moment
            case 1012 -> reconnectAfter(Duration.ofMillis(random.nextLong(drainDelay.toMillis() + 1)));
            default -> reconnectAfter(backoff.delay(attempt++, random));
        }
    }

    // ---- frames ----

    private void onFrame(String text) {
        lastFrameAt = nanosToMillis(System.nanoTime());
        pingSentAt = 0;
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JacksonException e) {
            frame = null;
        }
        if (frame == null || !frame.isObject()) {
            emitError(HeraldError.of("bad-frame", "the edge sent a frame that is not a JSON object"));
            return;
        }
        switch (frame.path("op").asString("")) {
            case "welcome" -> welcome(frame);
            case "message" -> message(frame);
            case "subscribed" -> subscribed(frame);
            case "reset" -> reset(frame);
            case "error" -> error(frame);
            default -> {
                // pong, refreshed, unsubscribed, and ops of later protocol versions
            }
        }
    }

    private void welcome(JsonNode frame) {
        cancel(handshakeTimer);
        welcomed = true;
        node = frame.path("node").asString(null);
        openedAt = nanosToMillis(System.nanoTime());
        authFailures = 0;
        attemptsSinceWelcome = 0;
        replacingRefusedToken = false;
        metrics.connected(edge, node);
        resubscribeAll();
        scheduleRefresh();
        long tick = Math.max(50, Math.min(1000, pongTimeout.toMillis() / 2));
        heartbeat = loop.scheduleWithFixedDelay(() -> guarded(this::heartbeatTick), tick, tick, TimeUnit.MILLISECONDS);
        setState(ConnectionState.OPEN);
    }

    /** One {@code resume} for the channels with a position, a plain {@code subscribe} for the others. */
    private void resubscribeAll() {
        Map<String, String> positioned = new LinkedHashMap<>();
        for (Channel entry : channels.values()) {
            entry.catchingUp = true;
            if (entry.last != null) {
                positioned.put(entry.name, entry.last);
            } else {
                send(subscribeFrame(entry));
            }
        }
        lastResume = List.copyOf(positioned.keySet());
        List<String> names = new ArrayList<>(positioned.keySet());
        for (int from = 0; from < names.size(); from += RESUME_BATCH) {
            Map<String, String> batch = new LinkedHashMap<>();
            names.subList(from, Math.min(names.size(), from + RESUME_BATCH)).forEach(name -> batch.put(name, positioned.get(name)));
            send(frame("resume").put("token", ResumeTokens.encode(json, batch)));
        }
    }

    private void message(JsonNode frame) {
        String name = frame.path("channel").asString("");
        String position = frame.path("id").asString("");
        Channel entry = channels.get(name);
        if (entry == null || !Positions.isPosition(position)) {
            return;
        }
        if (!Positions.isAfter(position, entry.last)) {
            metrics.duplicateDropped(name);
            return;
        }
        entry.last = position;
        metrics.messageDelivered(name);
        Message message = new Message(name, position, frame.path("n"), frame.path("replay").asBoolean(false) || entry.catchingUp);
        try {
            entry.listener.onMessage(message);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "herald message listener threw channel=" + name + " position=" + position, e);
        }
        if (channels.get(name) == entry) { // the listener may have unsubscribed
            positions.put(name, position);
        }
    }

    private void subscribed(JsonNode frame) {
        Channel entry = channels.get(frame.path("channel").asString(""));
        if (entry == null) {
            return;
        }
        entry.catchingUp = false;
        entry.retries = 0;
        // a fresh subscription starts at the channel's end: a drop before the first message resumes from there
        String position = frame.path("position").asString("");
        if (Positions.isPosition(position) && Positions.isAfter(position, entry.last)) {
            entry.last = position;
            positions.put(entry.name, position);
        }
    }

    private void reset(JsonNode frame) {
        Channel entry = channels.get(frame.path("channel").asString(""));
        if (entry == null) {
            return;
        }
        reportReset(entry, frame.path("reason").asString(""));
    }

    private void reportReset(Channel entry, String reason) {
        Reset reset = new Reset(entry.name, reason);
        metrics.reset(entry.name);
        if (entry.listener instanceof ChannelListener listener) {
            callback(() -> listener.onReset(reset));
        }
        callback(() -> onReset.accept(reset));
    }

    private void error(JsonNode frame) {
        String code = frame.path("code").asString("");
        String channel = frame.path("channel").asString(null);
        HeraldError error = new HeraldError(code, frame.path("message").asString(""), channel, 0);
        Channel entry = channel == null ? null : channels.get(channel);
        if (entry != null) {
            switch (code) {
                case "unavailable", "rate-limited" -> retrySubscribe(entry);
                case "already-subscribed", "not-subscribed" -> {
                    // nothing to do: the session already is as the client wants it
                }
                case "invalid-position" -> {
                    // protocol section 5: the stored position is unusable, so what came after it cannot be known,
                    // exactly as after a reset; the channel starts again at its current end
                    cancel(entry.retry);
                    positions.remove(channel);
                    entry.last = null;
                    reportReset(entry, "invalid-position: " + error.message());
                    entry.catchingUp = true;
                    send(subscribeFrame(entry));
                }
                default -> {
                    // forbidden, invalid-channel: asking again cannot help. A forbidden channel's position is kept,
                    // so a later subscribe with a token that allows it resumes.
                    channels.remove(channel);
                    cancel(entry.retry);
                    if (entry.listener instanceof ChannelListener listener) {
                        callback(() -> listener.onError(error));
                    }
                }
            }
        } else if ("invalid-token".equals(code)) {
            // the edge could not read our resume token: ask for the same channels one by one
            lastResume.stream().map(channels::get).filter(Objects::nonNull).forEach(each -> send(subscribeFrame(each)));
        }
        emitError(error);
    }

    /** The edge could not subscribe the channel now: ask again on this connection, with backoff. */
    private void retrySubscribe(Channel entry) {
        cancel(entry.retry);
        int current = generation;
        entry.retry = schedule(() -> {
            if (current == generation && welcomed && channels.get(entry.name) == entry) {
                entry.catchingUp = true;
                send(subscribeFrame(entry));
            }
        }, backoff.delay(entry.retries++, random));
    }

    // ---- heartbeat and refresh ----

    /** Pings a connection that has been quiet for a while; drops it when nothing at all arrives after the ping. */
    private void heartbeatTick() {
        if (!welcomed) {
            return;
        }
        long now = nanosToMillis(System.nanoTime());
        if (pingSentAt != 0 && now - pingSentAt >= pongTimeout.toMillis()) {
            LOG.log(System.Logger.Level.INFO, "herald edge silent, reconnecting edge={0} silentMs={1}", edge, now - lastFrameAt);
            dropConnection(HEARTBEAT_TIMEOUT, "heartbeat timeout");
        } else if (pingSentAt == 0 && now - lastFrameAt >= pingInterval.toMillis()) {
            pingSentAt = now;
            send(frame("ping"));
        }
    }

    /**
     * Replaces the token on the open connection before it expires: at expiry the edge would close with 4001, which
     * costs a reconnect (never a notification). Refreshes {@code refreshBefore} ahead, or halfway through a shorter
     * lifetime.
     */
    private void scheduleRefresh() {
        cancel(refreshTimer);
        if (tokens == null || refreshBefore.isZero() || token == null) {
            return;
        }
        Optional<Instant> expiry = JwtExpiry.of(json, token);
        if (expiry.isEmpty()) {
            return;
        }
        Duration lifetime = Duration.between(Instant.now(), expiry.get());
        if (lifetime.isNegative()) {
            return;
        }
        Duration lead = lifetime.dividedBy(2).compareTo(refreshBefore) < 0 ? lifetime.dividedBy(2) : refreshBefore;
        Duration delay = lifetime.minus(lead);
        int current = generation;
        refreshTimer = schedule(() -> CompletableFuture.supplyAsync(this::fetchToken, tokenThread)
                .whenComplete((value, error) -> post(() -> {
                    if (current != generation || !welcomed) {
                        return;
                    }
                    if (error != null) {
                        // the edge closes with 4001 at expiry; the reconnect asks the supplier again
                        emitError(HeraldError.of("token-unavailable", "the token supplier failed: " + unwrap(error)));
                        return;
                    }
                    token = value;
                    send(frame("refresh").put("token", value));
                    scheduleRefresh();
                })), delay.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500) : delay);
    }

    // ---- plumbing ----

    private ObjectNode frame(String op) {
        return json.createObjectNode().put("op", op);
    }

    private ObjectNode subscribeFrame(Channel entry) {
        ObjectNode frame = frame("subscribe").put("channel", entry.name);
        return entry.last == null ? frame : frame.put("since", entry.last);
    }

    private void send(ObjectNode frame) {
        if (connection != null) {
            connection.sendText(json.writeValueAsString(frame));
        }
    }

    private void setState(ConnectionState next) {
        if (state != next) {
            state = next;
            publicState = next;
            callback(() -> onStateChange.accept(next));
        }
    }

    private void emitError(HeraldError error) {
        callback(() -> onError.accept(error));
    }

    /** An application callback that throws must not break the client's bookkeeping. */
    private static void callback(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "herald callback threw", e);
        }
    }

    private void cancelTimers() {
        cancel(reconnectTimer);
        cancel(handshakeTimer);
        cancel(heartbeat);
        cancel(refreshTimer);
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return loop.schedule(() -> guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the client's thread, later; dropped once the client is closed. */
    private void post(Runnable task) {
        try {
            loop.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            // closed: nothing is delivered any more
        }
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "herald client task failed", e);
        }
    }

    /** Runs {@code task} on the client's thread and waits for it (at once when already on it). */
    private <T> T call(Callable<T> task) {
        return call(null, task);
    }

    /** Like {@link #call(Callable)}, giving up after {@code timeout} when it is not null. */
    private <T> T call(Duration timeout, Callable<T> task) {
        try {
            if (Thread.currentThread() == loopThread) {
                return task.call();
            }
            var future = loop.submit(task);
            return timeout == null ? future.get() : future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "herald client thread busy (a listener blocks?); closing without it");
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void checkOpen() {
        if (shutDown) {
            throw new IllegalStateException("this HeraldClient is closed");
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static long nanosToMillis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static URI withQueryParameter(URI uri, String name, String value) {
        String separator = uri.getRawQuery() == null ? "?" : "&";
        String base = uri.toString();
        int fragment = base.indexOf('#');
        if (fragment >= 0) {
            base = base.substring(0, fragment);
        }
        return URI.create(base + separator + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    /** One subscribed channel; touched on the client's thread only. */
    private static final class Channel {

        final String name;
        final MessageListener listener;
        /** The last position delivered (or where the subscription started): nothing at or before it is delivered. */
        String last;
        /** A subscribe or resume is on its way: what arrives before its {@code subscribed} is history. */
        boolean catchingUp;
        int retries;
        ScheduledFuture<?> retry;

        Channel(String name, MessageListener listener, String last) {
            this.name = name;
            this.listener = listener;
            this.last = last;
        }
    }

    /** Hands one connection's events to the client's thread; ignored once the connection is no longer current. */
    private final class ConnectionListener implements Transport.Listener {

        private final int connectionGeneration;

        ConnectionListener(int connectionGeneration) {
            this.connectionGeneration = connectionGeneration;
        }

        @Override
        public void onOpen(Transport.Connection opened) {
            post(() -> {
                if (connectionGeneration != generation) {
                    opened.abort();
                    return;
                }
                connection = opened;
                lastFrameAt = nanosToMillis(System.nanoTime());
            });
        }

        @Override
        public CompletionStage<?> onText(String text) {
            CompletableFuture<Void> taken = new CompletableFuture<>();
            try {
                loop.execute(() -> {
                    try {
                        if (connectionGeneration == generation) {
                            guarded(() -> onFrame(text));
                        }
                    } finally {
                        taken.complete(null);
                    }
                });
            } catch (RejectedExecutionException e) {
                taken.complete(null);
            }
            return taken;
        }

        @Override
        public void onClose(int code, String reason) {
            post(() -> {
                if (connectionGeneration == generation) {
                    closed(code, reason);
                }
            });
        }

        @Override
        public void onError(Throwable error) {
            post(() -> {
                if (connectionGeneration == generation) {
                    closed(1006, String.valueOf(error));
                }
            });
        }
    }

    /** Settings of a {@link HeraldClient}; every one but {@link #edges} has a default. */
    public static final class Builder {

        private List<URI> edges = List.of();
        private TokenSupplier tokens;
        private TokenPlacement placement = TokenPlacement.HEADER;
        private PositionStore positions = new InMemoryPositionStore();
        private Transport transport;
        private HeraldMetrics metrics = HeraldMetrics.NONE;
        private Consumer<Reset> onReset = reset -> { };
        private Consumer<HeraldError> onError = error -> { };
        private Consumer<ConnectionState> onStateChange = state -> { };
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration drainDelay = Duration.ofSeconds(1);
        private Duration stableAfter = Duration.ofSeconds(5);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(20);
        private Duration pongTimeout = Duration.ofSeconds(10);
        private Duration refreshBefore = Duration.ofSeconds(60);
        private int maxAuthFailures = 3;
        private RandomGenerator random = RandomGenerator.getDefault();

        private Builder() {
        }

        /** The edges' WebSocket URLs ({@code wss://host/ws}); each reconnect goes to the next one. Required. */
        public Builder edges(List<URI> edges) {
            if (edges.isEmpty()) {
                throw new IllegalArgumentException("at least one edge URL is needed");
            }
            this.edges = List.copyOf(edges);
            return this;
        }

        /** One edge URL (behind a load balancer, say). */
        public Builder edge(URI edge) {
            return edges(List.of(edge));
        }

        /** Where tokens come from: called before every connection attempt and before expiry. Default: no token. */
        public Builder token(TokenSupplier tokens) {
            this.tokens = tokens;
            return this;
        }

        /** Header (default) or {@code access_token} query parameter. */
        public Builder tokenPlacement(TokenPlacement placement) {
            this.placement = Objects.requireNonNull(placement);
            return this;
        }

        /** Where channels' last positions live. Default: in memory ({@link InMemoryPositionStore}). */
        public Builder positions(PositionStore positions) {
            this.positions = Objects.requireNonNull(positions);
            return this;
        }

        /** The WebSocket implementation. Default: {@link JdkTransport}. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport);
            return this;
        }

        /** Metrics hooks. Default: {@link HeraldMetrics#NONE}. */
        public Builder metrics(HeraldMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics);
            return this;
        }

        /** Resets of every channel (in addition to the channel's own {@link ChannelListener#onReset}). */
        public Builder onReset(Consumer<Reset> onReset) {
            this.onReset = Objects.requireNonNull(onReset);
            return this;
        }

        /** Every error: the server's {@code error} frames and the client's own (see {@link HeraldError}). */
        public Builder onError(Consumer<HeraldError> onError) {
            this.onError = Objects.requireNonNull(onError);
            return this;
        }

        public Builder onStateChange(Consumer<ConnectionState> onStateChange) {
            this.onStateChange = Objects.requireNonNull(onStateChange);
            return this;
        }

        /** Reconnect delays: a random delay up to {@code initial * 2^attempt}, capped at {@code max}. Default 500 ms, 30 s. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial");
            this.maxBackoff = positive(max, "max");
            return this;
        }

        /** After 1012 (node draining) the client reconnects after a random delay up to this. Default 1 s. */
        public Builder drainDelay(Duration drainDelay) {
            this.drainDelay = nonNegative(drainDelay, "drainDelay");
            return this;
        }

        /** How long the upgrade and the {@code welcome} may take before the next edge is tried. Default 10 s. */
        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = positive(handshakeTimeout, "handshakeTimeout");
            return this;
        }

        /**
         * A {@code ping} after {@code pingInterval} without a frame; the connection is dropped (and replaced) when
         * nothing arrives for {@code pongTimeout} after it. Default 20 s, 10 s.
         */
        public Builder heartbeat(Duration pingInterval, Duration pongTimeout) {
            this.pingInterval = positive(pingInterval, "pingInterval");
            this.pongTimeout = positive(pongTimeout, "pongTimeout");
            return this;
        }

        /** Refresh the token this long before its {@code exp} (at most halfway through its life); zero: never. Default 60 s. */
        public Builder refreshBeforeExpiry(Duration refreshBefore) {
            this.refreshBefore = nonNegative(refreshBefore, "refreshBefore");
            return this;
        }

        /** Refused tokens (401, 4001) in a row before the client stops. Default 3. */
        public Builder maxAuthFailures(int maxAuthFailures) {
            if (maxAuthFailures < 1) {
                throw new IllegalArgumentException("maxAuthFailures must be at least 1");
            }
            this.maxAuthFailures = maxAuthFailures;
            return this;
        }

        /** A connection that stayed up this long starts the backoff from scratch after it drops. Default 5 s. */
        public Builder stableAfter(Duration stableAfter) {
            this.stableAfter = nonNegative(stableAfter, "stableAfter");
            return this;
        }

        /** The jitter's randomness (tests). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        public HeraldClient build() {
            if (edges.isEmpty()) {
                throw new IllegalStateException("no edge URL: call edges(...) or edge(...)");
            }
            if (transport == null) {
                transport = new JdkTransport();
            }
            return new HeraldClient(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        }

        private static Duration nonNegative(Duration value, String name) {
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative");
            }
            return value;
        }
    }
}
