package io.herald.edge.session;

import io.herald.edge.auth.Identity;
import io.herald.edge.config.EdgeProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * The node's open connections, WebSocket sessions and event streams alike. It counts each user's connections
 * (herald.edge.limits.max-connections-per-user), ticks every connection often (stuck writes, heartbeats, token
 * expiry), closes WebSocket sessions off the caller's thread (a close may wait on a stuck socket), and on
 * shutdown drains the node: connections are ended in batches spread over the drain period, so that their
 * clients reconnect to other nodes gradually.
 */
@Component
public class SessionRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);
    /** Upkeep runs at least this often, and faster when a heartbeat setting is shorter. */
    private static final long MAX_TICK_MILLIS = 1000;

    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final EdgeProperties.Drain drain;
    private final int maxPerUser;
    private final long closeGraceMillis;
    private final long tickMillis;
    /** Closes and pings: calls that may block on a stuck socket, so never on a fan-out or socket thread. */
    private final ExecutorService io = Executors.newCachedThreadPool(daemon("herald-session-io"));
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("herald-session-tick"));
    private volatile boolean running;

    public SessionRegistry(EdgeProperties properties, MeterRegistry meters) {
        this.meters = meters;
        this.drain = properties.drain();
        this.maxPerUser = properties.limits().maxConnectionsPerUser();
        this.closeGraceMillis = properties.outbound().maxDelay().toMillis();
        this.tickMillis = Math.max(20, Stream.of(properties.heartbeat().interval(), properties.heartbeat().timeout(),
                properties.sse().heartbeat()).mapToLong(d -> d.toMillis() / 4).reduce(MAX_TICK_MILLIS, Math::min));
        Gauge.builder("herald.edge.sessions", connections, Map::size)
                .description("open connections, WebSocket and SSE").register(meters);
        Gauge.builder("herald.edge.outbound.queued", connections,
                all -> all.values().stream().mapToLong(Connection::queued).sum())
                .description("characters or bytes queued in all connections' outbound buffers").register(meters);
    }

    /** Whether the identity's user may open one more connection (a cheap check before a handshake). */
    public boolean hasRoom(Identity identity) {
        return !identity.authenticated() || perUser.getOrDefault(identity.subject(), 0) < maxPerUser;
    }

    /**
     * Registers a connection; false, registering nothing, when its user already holds the most connections a user
     * may hold. Users of a node without authentication are not counted: their names are only what they said.
     */
    public boolean add(Connection connection) {
        Identity identity = connection.identity();
        if (identity.authenticated()) {
            boolean[] admitted = new boolean[1];
            perUser.compute(identity.subject(), (user, count) -> {
                int current = count == null ? 0 : count;
                admitted[0] = current < maxPerUser;
                return admitted[0] ? current + 1 : count;
            });
            if (!admitted[0]) {
                return false;
            }
        }
        connections.put(connection.id(), connection);
        return true;
    }

    public void remove(Connection connection) {
        if (connections.remove(connection.id()) != null && connection.identity().authenticated()) {
            perUser.computeIfPresent(connection.identity().subject(), (user, count) -> count <= 1 ? null : count - 1);
        }
    }

    public int size() {
        return connections.size();
    }

    /** Where to run a call that may block on a client's socket. */
    public Executor io() {
        return io;
    }

    /**
     * Closes the session with the given status on a separate thread, once its in-flight write (if any) is done
     * (the client should see the code, 4008 or 1012, that tells it to resume); a connection whose write is still stuck
     * after the outbound time limit, or whose peer does not answer the close frame within it, is aborted instead, and
     * its client resumes all the same when it notices.
     */
    void closeLater(EdgeSession session, CloseStatus status) {
        String reason = status.getReason().replace(' ', '_');
        meters.counter("herald.edge.sessions.closed", "reason", reason).increment();
        if (status.getCode() != EdgeSession.DRAINING.getCode()) {
            log.info("closing session session={} user={} code={} reason={}", session.id(),
                    session.identity().subject(), status.getCode(), reason);
        }
        try {
            io.execute(() -> {
                try {
                    if (session.outbound().awaitIdle(closeGraceMillis)) {
                        session.socket().close(status);
                        if (session.awaitEnded(closeGraceMillis)) {
                            return;
                        }
                    }
                    // a peer that takes nothing (its writes, or the close frame, still pending after the limit)
                    // would never answer the close handshake either: drop the connection
                    session.outbound().abort();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException e) {
                    log.debug("close failed session={} error=\"{}\"", session.id(), e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("node stopped before closing session={}", session.id()); // the server closes it with everything else
        }
    }

    @Override
    public void start() {
        ticker.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        running = true;
    }

    private void tick() {
        long nowNanos = System.nanoTime();
        Instant now = Instant.now();
        for (Connection connection : connections.values()) {
            try {
                connection.tick(nowNanos, now);
            } catch (RuntimeException e) {
                log.warn("connection upkeep failed connection={} error=\"{}\"", connection.id(), e.toString());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        ticker.shutdownNow();
        List<Connection> open = new ArrayList<>(connections.values());
        if (!open.isEmpty()) {
            int batches = (open.size() + drain.batchSize() - 1) / drain.batchSize();
            long pauseMillis = batches > 1 ? drain.period().toMillis() / (batches - 1) : 0;
            log.info("draining sessions={} batches={} periodMs={}", open.size(), batches, drain.period().toMillis());
            for (int i = 0; i < open.size(); i++) {
                open.get(i).drain();
                if ((i + 1) % drain.batchSize() == 0 && i + 1 < open.size()) {
                    pause(pauseMillis);
                }
            }
        }
        io.shutdown();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop before the web server does, so that sessions get their 1012 while the server still runs. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // pacing the drain is the point here, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
