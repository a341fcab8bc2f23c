package io.herald.edge.session;

import io.herald.edge.config.EdgeProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * The node's open sessions. It closes sessions off the caller's thread (a close may wait on a stuck socket),
 * sweeps for writes stuck past their time limit, and on shutdown drains the node: sessions are closed with 1012
 * in batches spread over the drain period, so that their clients reconnect to other nodes gradually.
 */
@Component
public class SessionRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<String, EdgeSession> sessions = new ConcurrentHashMap<>();
    private final EdgeProperties.Drain drain;
    private final long closeGraceMillis;
    private final ExecutorService closer = Executors.newCachedThreadPool(daemon("herald-session-close"));
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(daemon("herald-outbound-sweep"));
    private volatile boolean running;

    public SessionRegistry(EdgeProperties properties, MeterRegistry meters) {
        this.drain = properties.drain();
        this.closeGraceMillis = properties.outbound().maxDelay().toMillis();
        Gauge.builder("herald.edge.sessions", sessions, Map::size).register(meters);
        Gauge.builder("herald.edge.outbound.queued", sessions,
                all -> all.values().stream().mapToLong(s -> s.outbound().queuedChars()).sum())
                .description("characters queued in all sessions' outbound buffers").register(meters);
    }

    void add(EdgeSession session) {
        sessions.put(session.id(), session);
    }

    void remove(EdgeSession session) {
        sessions.remove(session.id());
    }

    public int size() {
        return sessions.size();
    }

    Collection<EdgeSession> all() {
        return sessions.values();
    }

    /**
     * Closes the session with the given status on a separate thread, once its in-flight write (if any) is done
     * or has been stuck for the outbound time limit: the container refuses a close frame while a message is
     * half-written, and the client should see the code (4008, 1012) that tells it to resume.
     */
    void closeLater(EdgeSession session, CloseStatus status) {
        closer.execute(() -> {
            try {
                session.outbound().awaitIdle(closeGraceMillis);
                session.socket().close(status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                log.debug("close failed session={} error=\"{}\"", session.id(), e.toString());
            }
        });
    }

    @Override
    public void start() {
        sweeper.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            sessions.values().forEach(s -> s.outbound().checkDelay(now));
        }, 1, 1, TimeUnit.SECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        sweeper.shutdownNow();
        List<EdgeSession> open = new ArrayList<>(sessions.values());
        if (!open.isEmpty()) {
            int batches = (open.size() + drain.batchSize() - 1) / drain.batchSize();
            long pauseMillis = batches > 1 ? drain.period().toMillis() / (batches - 1) : 0;
            log.info("draining sessions={} batches={} periodMs={}", open.size(), batches, drain.period().toMillis());
            for (int i = 0; i < open.size(); i++) {
                EdgeSession session = open.get(i);
                session.outbound().shutdown();
                closeLater(session, EdgeSession.DRAINING);
                if ((i + 1) % drain.batchSize() == 0 && i + 1 < open.size()) {
                    pause(pauseMillis);
                }
            }
        }
        closer.shutdown();
        try {
            closer.awaitTermination(5, TimeUnit.SECONDS);
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
