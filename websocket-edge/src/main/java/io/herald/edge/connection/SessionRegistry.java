package io.herald.edge.connection;

import io.herald.edge.auth.Identity;
import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The node's open connections, WebSocket sessions and event streams alike. It counts each user's connections
 * (herald.edge.limits.max-connections-per-user), ticks every connection often (stuck writes, heartbeats, token
 * expiry), runs the calls that may block on a client's socket (closes, pings) on threads of its own, and on
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
    private final EdgeProperties.Drain drain;
    private final int maxPerUser;
    private final long tickMillis;
    /** Closes and pings: calls that may block on a stuck socket, so never on a fan-out or socket thread. */
    private final ExecutorService io = Executors.newCachedThreadPool(daemon("herald-session-io"));
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("herald-session-tick"));
    private volatile boolean running;
    /** Set when the drain begins: from then on no connection is admitted (see {@link #isDraining()}). */
    private volatile boolean draining;

    public SessionRegistry(EdgeProperties properties, MeterRegistry meters) {
        this.drain = properties.drain();
        this.maxPerUser = properties.limits().maxConnectionsPerUser();
        this.tickMillis = Math.max(20, Stream.of(properties.heartbeat().interval(), properties.heartbeat().timeout(),
                properties.sse().heartbeat()).mapToLong(d -> d.toMillis() / 4).reduce(MAX_TICK_MILLIS, Math::min));
        Gauge.builder("herald.edge.sessions", connections, Map::size)
                .description("open connections, WebSocket and SSE").register(meters);
        Gauge.builder("herald.edge.outbound.queued", connections,
                all -> all.values().stream().mapToLong(Connection::queued).sum())
                .description("characters or bytes queued in all connections' outbound buffers").register(meters);
    }

    /**
     * Whether the node is draining: new connections are refused (503), so that a balancer that still sends clients
     * here sends them elsewhere, rather than this node admitting them and cutting them off when the server stops.
     */
    public boolean isDraining() {
        return draining;
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
        if (draining) {
            // it passed the gate just before the drain began and may have missed the drain's snapshot
            connection.drain();
        }
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

    /** Where to run a call that may block on a client's socket; shut down once the node has drained. */
    public Executor io() {
        return io;
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
        draining = true;
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
