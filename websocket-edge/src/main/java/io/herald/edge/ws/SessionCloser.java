package io.herald.edge.ws;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * Closes WebSocket sessions off the caller's thread: a close may wait on a stuck socket, so it runs on the
 * connection registry's I/O threads, never on a fan-out or socket thread.
 *
 * <p>Meter: {@code herald.edge.sessions.closed} (sessions closed by the node, by reason).
 */
final class SessionCloser {

    private static final Logger log = LoggerFactory.getLogger(SessionCloser.class);

    private final Executor io;
    private final MeterRegistry meters;
    private final long closeGraceMillis;

    /**
     * @param io               the registry's I/O threads
     * @param closeGraceMillis how long a session's in-flight write, then its peer's close answer, may take before
     *                         the connection is aborted (the outbound time limit)
     */
    SessionCloser(Executor io, MeterRegistry meters, long closeGraceMillis) {
        this.io = io;
        this.meters = meters;
        this.closeGraceMillis = closeGraceMillis;
    }

    /**
     * Runs {@code then} once the session's write in flight, if any, is done: at once when none is, else on a separate
     * thread. Jetty answers a client's close frame when {@code then} runs, and an endpoint takes one write at a
     * time, so the answer must not meet a write of the session's {@link Outbound} (shut by now: it starts no other).
     * A write still stuck after the outbound time limit belongs to a client that reads nothing: its connection is
     * dropped instead of answered.
     */
    void afterWrites(EdgeSession session, Runnable then) {
        if (session.outbound().isIdle()) {
            then.run();
            return;
        }
        try {
            io.execute(() -> {
                try {
                    if (!session.outbound().awaitIdle(closeGraceMillis)) {
                        session.outbound().abort();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    then.run();
                }
            });
        } catch (RejectedExecutionException e) {
            then.run(); // the node is stopping: the server closes the connection with everything else
        }
    }

    /**
     * Closes the session with the given status on a separate thread, once its in-flight write (if any) is done
     * (the client should see the code, 4008 or 1012, that tells it to resume); a connection whose write is still stuck
     * after the outbound time limit, or whose peer does not answer the close frame within it, is aborted instead, and
     * its client resumes all the same when it notices.
     */
    void closeLater(EdgeSession session, CloseCode status) {
        String reason = status.reason().replace(' ', '_');
        meters.counter("herald.edge.sessions.closed", "reason", reason).increment();
        if (status.code() != EdgeSession.DRAINING.code()) {
            log.info("closing session session={} user={} code={} reason={}", session.id(),
                    session.identity().subject(), status.code(), reason);
        }
        try {
            io.execute(() -> {
                try {
                    if (session.outbound().awaitIdle(closeGraceMillis)) {
                        // the close frame is queued behind nothing (the outbound is idle); its answer ends the session
                        session.socket().close(status.code(), status.reason(), Callback.NOOP);
                        if (session.awaitEnded(closeGraceMillis)) {
                            return;
                        }
                    }
                    // a peer that takes nothing (its writes, or the close frame, still pending after the limit)
                    // would never answer the close handshake either: drop the connection
                    session.outbound().abort();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.debug("close failed session={} error=\"{}\"", session.id(), e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("node stopped before closing session={}", session.id()); // the server closes it with everything else
        }
    }
}
