package io.herald.edge.session;

import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One session's outbound frames: a bounded queue drained by asynchronous writes, one in flight at a time.
 * Whoever produces a frame (a pub/sub thread fanning out, a catch-up thread replaying) only enqueues, so a
 * client that reads slowly never blocks anybody else. Past {@code maxChars} queued, or when one write has
 * waited longer than {@code maxDelayNanos}, the session is reported as slow and stops accepting frames; the
 * caller closes it with 4008 and the client resumes from its last ID, losing nothing.
 *
 * <p>Heartbeat pings take the next write slot, so they never interleave with a half-written frame and a ping
 * stuck behind a client that does not read is caught by the same time limit. The container only sends pings
 * blocking, so they are written on {@code pinger}, never on the thread that queued a frame.
 */
final class Outbound {

    private static final ByteBuffer PING = ByteBuffer.allocate(0);

    private final Session socket;
    private final long maxChars;
    private final long maxDelayNanos;
    private final Consumer<String> onSlow;
    private final Executor pinger;

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long queuedChars;
    private boolean writing;
    private long writeStartedNanos;
    private boolean failed;
    /** The thread inside {@code sendText}; a completion that arrives meanwhile is handled by that thread's loop. */
    private Thread pumpThread;
    private boolean completedDuringSend;
    private boolean pingDue;
    /** Takes no more frames, but still writes what is queued (the session is being closed for a reason it should read). */
    private boolean sealed;

    Outbound(Session socket, long maxChars, long maxDelayNanos, Consumer<String> onSlow, Executor pinger) {
        this.socket = socket;
        this.maxChars = maxChars;
        this.maxDelayNanos = maxDelayNanos;
        this.onSlow = onSlow;
        this.pinger = pinger;
    }

    /** Sends a WebSocket ping as soon as no frame is being written. */
    void ping() {
        synchronized (this) {
            if (failed || sealed) {
                return;
            }
            pingDue = true;
            if (writing) {
                return;
            }
            writing = true;
        }
        pump();
    }

    /** Queues a frame; returns false when the session is already failed or sealed (the frame is dropped). */
    boolean send(String frame) {
        String slowReason = null;
        synchronized (this) {
            if (failed || sealed) {
                return false;
            }
            queue.add(frame);
            queuedChars += frame.length();
            if (queuedChars > maxChars) {
                slowReason = "outbound buffer over " + maxChars + " characters";
            } else if (writing && System.nanoTime() - writeStartedNanos > maxDelayNanos) {
                slowReason = "a frame waited over " + maxDelayNanos / 1_000_000 + " ms";
            } else if (writing) {
                return true;
            } else {
                writing = true;
            }
            if (slowReason != null) {
                fail();
            }
        }
        if (slowReason != null) {
            onSlow.accept(slowReason);
            return false;
        }
        pump();
        return true;
    }

    /** Called periodically: a write stuck longer than allowed fails the session even if nothing new is queued. */
    void checkDelay(long nowNanos) {
        synchronized (this) {
            if (failed || !writing || nowNanos - writeStartedNanos <= maxDelayNanos) {
                return;
            }
            fail();
        }
        onSlow.accept("a frame waited over " + maxDelayNanos / 1_000_000 + " ms");
    }

    synchronized long queuedChars() {
        return queuedChars;
    }

    /** Stops accepting frames and drops the queued ones (the session is closing). */
    synchronized void shutdown() {
        fail();
    }

    /** Stops accepting frames; the queued ones are still written ({@link #awaitIdle} waits for them). */
    synchronized void seal() {
        sealed = true;
    }

    private void fail() {
        failed = true;
        queue.clear();
        queuedChars = 0;
    }

    private void pump() {
        while (true) {
            String next;
            synchronized (this) {
                boolean ping = !failed && pingDue;
                next = failed || ping ? null : queue.peek();
                if (!ping && next == null) {
                    writing = false;
                    notifyAll();
                    return;
                }
                writeStartedNanos = System.nanoTime();
                if (ping) {
                    pingDue = false;
                } else {
                    pumpThread = Thread.currentThread();
                    completedDuringSend = false;
                }
            }
            if (next == null) {
                sendPing();
                return;
            }
            try {
                socket.getAsyncRemote().sendText(next, this::written);
            } catch (RuntimeException e) {
                // the socket is closing: the close handler cleans up the session
                synchronized (this) {
                    pumpThread = null;
                    fail();
                    writing = false;
                    notifyAll();
                }
                return;
            }
            synchronized (this) {
                pumpThread = null;
                if (!completedDuringSend) {
                    return;
                }
            }
        }
    }

    private void sendPing() {
        try {
            pinger.execute(() -> {
                boolean sent;
                try {
                    socket.getBasicRemote().sendPing(PING.duplicate());
                    sent = true;
                } catch (IOException | RuntimeException e) {
                    sent = false; // the socket is closing: the close handler cleans up the session
                }
                pinged(sent);
            });
        } catch (RejectedExecutionException e) {
            pinged(false); // the node is shutting down
        }
    }

    private void pinged(boolean sent) {
        synchronized (this) {
            if (!sent || failed) {
                fail();
                writing = false;
                notifyAll();
                return;
            }
        }
        pump();
    }

    /** See {@link io.herald.edge.subscription.FrameSink#awaitCapacity()}. */
    boolean awaitCapacity() throws InterruptedException {
        long deadline = System.nanoTime() + maxDelayNanos;
        synchronized (this) {
            while (!failed && queuedChars > maxChars / 2) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            if (failed) {
                return false;
            }
            if (queuedChars <= maxChars / 2) {
                return true;
            }
            fail();
        }
        onSlow.accept("history not taken within " + maxDelayNanos / 1_000_000 + " ms");
        return false;
    }

    /**
     * Waits until no write is in flight and nothing is queued, so that a close frame sent next is not refused by
     * the container and reaches a client that reads again; returns false if writes are still stuck after
     * {@code timeoutMillis}.
     */
    synchronized boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (writing) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private void written(SendResult result) {
        synchronized (this) {
            String done = queue.poll();
            if (done != null) {
                queuedChars -= done.length();
                notifyAll();
            }
            if (!result.isOK() || failed) {
                fail();
                writing = false;
                pumpThread = null;
                notifyAll();
                return;
            }
            if (pumpThread != null) {
                completedDuringSend = true;
                return;
            }
        }
        pump();
    }
}
