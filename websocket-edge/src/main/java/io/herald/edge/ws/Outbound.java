package io.herald.edge.ws;

import io.herald.edge.connection.OutboundQueue;
import io.herald.edge.delivery.TextFrame;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.function.Consumer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;

/**
 * One session's outbound frames: a bounded queue drained by asynchronous writes, one write in flight at a time.
 * Whoever produces a frame (the fan-out thread, a catch-up thread replaying) only enqueues, so a client that reads
 * slowly never blocks anybody else. Past {@code maxBytes} queued, or when one write has waited longer than
 * {@code maxDelayNanos}, the session is reported as slow and stops accepting frames; the caller closes it with
 * 4008 and the client resumes from its last ID, losing nothing. The queue and its limits are the
 * {@link OutboundQueue} event streams use too.
 *
 * <p>Frames go to the connection's endpoint as the {@link TextFrame}'s shared bytes, WebSocket header included: a
 * message fanned out to thousands of sessions is framed and encoded once, not once per session, and a write costs a
 * view of those bytes, not a pass through Jetty's frame writer (which generates each header again and, per write,
 * allocates several times what the view costs). One write takes every frame queued by then (up to
 * {@link #MAX_FRAMES_PER_WRITE}) as one gathering socket write. The endpoint calls back on the writing thread when
 * the socket took the frames at once (the common case), which the pump loop handles without recursion; otherwise on
 * one of Jetty's threads once the socket drains.
 *
 * <p>An endpoint takes one write at a time, so every frame of the session's own comes through here: heartbeat
 * pings, and the pongs answering the client's pings ({@link EdgeSocket} takes those over from Jetty). Both take the
 * next write slot, never interleave with a half-written frame, and a ping stuck behind a client that does not read
 * is caught by the same time limit. Jetty's own writer sends only the close handshake: the node's close frame once
 * this outbound is sealed and idle ({@link SessionCloser#closeLater}), and the answer to a client's close once this
 * outbound is shut and idle ({@link SessionCloser#afterWrites}).
 */
final class Outbound {

    /** Frames gathered into one write: bounds the buffers one socket write hands the kernel. */
    static final int MAX_FRAMES_PER_WRITE = 64;

    /** RFC 6455 §5.5.2: an unmasked ping without payload. */
    private static final byte[] PING = {(byte) 0x89, 0};
    private static final int PONG_OPCODE = 0xA;

    private final Wire wire;
    private final Consumer<String> onSlow;
    private final Callback written = Callback.from(() -> completed(true), error -> completed(false));
    /** The frames of the write being started; only the pump that set {@code writing} touches it. */
    private final TextFrame[] writeBatch = new TextFrame[MAX_FRAMES_PER_WRITE];

    /** Stalled while a write is in flight: its start is what the delay limit is measured from. */
    private final OutboundQueue<TextFrame> queue;
    /** Frames at the head of the queue that the write in flight carries. */
    private int inFlight;
    private boolean writing;
    private boolean failed;
    /** The thread inside the wire's {@code write}; a completion that arrives meanwhile is handled by its loop. */
    private Thread pumpThread;
    private boolean completedDuringSend;
    private boolean pingDue;
    /** The encoded pong answering the client's latest ping, until written. */
    private byte[] pongDue;
    /** Takes no more frames, but still writes what is queued (the session is being closed for a reason it should read). */
    private boolean sealed;

    Outbound(Wire wire, long maxBytes, long maxDelayNanos, Consumer<String> onSlow) {
        this.wire = wire;
        this.queue = new OutboundQueue<>(maxBytes, maxDelayNanos, TextFrame::size);
        this.onSlow = onSlow;
    }

    /** Sends a WebSocket ping as soon as no frame is being written. */
    void ping() {
        writeSoon(() -> pingDue = true);
    }

    /**
     * Answers the client's ping with a pong of the same payload (at most 125 bytes, which Jetty's parser has
     * checked) as soon as no frame is being written; an unanswered earlier ping is answered by this pong only, as
     * RFC 6455 §5.5.3 allows.
     */
    void pong(ByteBuffer payload) {
        byte[] pong = new byte[2 + payload.remaining()];
        pong[0] = (byte) (0x80 | PONG_OPCODE);
        pong[1] = (byte) payload.remaining();
        payload.duplicate().get(pong, 2, payload.remaining());
        writeSoon(() -> pongDue = pong);
    }

    /** Marks a control frame due (under the lock) and starts a write unless one is in flight (it writes the frame). */
    private void writeSoon(Runnable markDue) {
        synchronized (this) {
            if (failed || sealed) {
                return;
            }
            markDue.run();
            if (writing) {
                return;
            }
            writing = true;
        }
        pump();
    }

    /** Queues a frame and starts writing; returns false when the session is failed or sealed (the frame is dropped). */
    boolean send(TextFrame frame) {
        return offer(frame) && flush();
    }

    /**
     * Queues a frame without starting a write, so that several frames offered in a row leave in one write
     * ({@link #flush} starts it); returns false when the session is failed or sealed (the frame is dropped).
     */
    boolean offer(TextFrame frame) {
        String slowReason;
        synchronized (this) {
            if (failed || sealed) {
                return false;
            }
            queue.add(frame);
            if (queue.overBytes()) {
                slowReason = "outbound buffer over " + queue.maxBytes() + " bytes";
            } else if (queue.stalledTooLong()) {
                slowReason = "a frame waited over " + queue.maxDelayMillis() + " ms";
            } else {
                return true;
            }
            fail();
        }
        onSlow.accept(slowReason);
        return false;
    }

    /** Starts writing the queued frames unless a write is already in flight (its completion writes them). */
    boolean flush() {
        synchronized (this) {
            if (failed) {
                return false;
            }
            if (writing || queue.isEmpty()) {
                return true;
            }
            writing = true;
        }
        pump();
        return true;
    }

    /** Called periodically: a write stuck longer than allowed fails the session even if nothing new is queued. */
    void checkDelay(long nowNanos) {
        synchronized (this) {
            if (failed || !queue.stalledTooLong(nowNanos)) {
                return;
            }
            fail();
        }
        onSlow.accept("a frame waited over " + queue.maxDelayMillis() + " ms");
    }

    synchronized long queuedBytes() {
        return queue.bytes();
    }

    /** Stops accepting frames and drops the queued ones (the session is closing). */
    synchronized void shutdown() {
        fail();
    }

    /** Drops the connection without a close frame (the peer has not taken a write within the time limit). */
    void abort() {
        shutdown();
        wire.abort();
    }

    /** Stops accepting frames; the queued ones are still written ({@link #awaitIdle} waits for them). */
    synchronized void seal() {
        sealed = true;
    }

    private void fail() {
        failed = true;
        queue.clear();
        inFlight = 0;
    }

    private void pump() {
        while (true) {
            ByteBuffer[] buffers;
            synchronized (this) {
                boolean control = !failed && (pingDue || pongDue != null);
                if (!control && (failed || queue.isEmpty())) {
                    writing = false;
                    queue.flowing();
                    notifyAll();
                    return;
                }
                queue.stalled(System.nanoTime());
                int frames = queue.peek(writeBatch);
                int n = 0;
                buffers = new ByteBuffer[frames + (pingDue ? 1 : 0) + (pongDue != null ? 1 : 0)];
                if (pongDue != null) {
                    buffers[n++] = ByteBuffer.wrap(pongDue);
                    pongDue = null;
                }
                if (pingDue) {
                    buffers[n++] = ByteBuffer.wrap(PING).asReadOnlyBuffer();
                    pingDue = false;
                }
                for (int i = 0; i < frames; i++) {
                    buffers[n++] = writeBatch[i].webSocketFrame();
                    writeBatch[i] = null;
                }
                inFlight = frames;
                pumpThread = Thread.currentThread();
                completedDuringSend = false;
            }
            try {
                wire.write(written, buffers);
            } catch (RuntimeException e) {
                // the socket is closing (Jetty's writer is sending the close handshake): the close handler cleans up
                synchronized (this) {
                    pumpThread = null;
                    fail();
                    writing = false;
                    queue.flowing();
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

    /** See {@link io.herald.edge.delivery.FrameSink#awaitCapacity()}. */
    boolean awaitCapacity() throws InterruptedException {
        synchronized (this) {
            if (!failed && queue.hasRoom()) {
                return true;
            }
        }
        flush(); // frames offered but not flushed must be on their way, or no room would ever come
        synchronized (this) {
            if (queue.awaitRoom(this, () -> failed)) {
                return true;
            }
            if (failed) {
                return false;
            }
            fail();
        }
        onSlow.accept("history not taken within " + queue.maxDelayMillis() + " ms");
        return false;
    }

    /** Whether no write is in flight. */
    synchronized boolean isIdle() {
        return !writing;
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

    /**
     * A write finished: the frames it carried leave the queue (pings and pongs are not queued), then the next write
     * starts, on this thread, or on the pump's own loop when this completion arrived while it was still inside the
     * wire's {@code write}.
     */
    private void completed(boolean sent) {
        synchronized (this) {
            for (; inFlight > 0; inFlight--) {
                queue.poll();
            }
            notifyAll();
            if (!sent || failed) {
                fail();
                writing = false;
                queue.flowing();
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

    /** Where a session's encoded frames go: its connection's endpoint ({@link #of}), or a test's recorder. */
    interface Wire {

        /** Writes the buffers in order as one write; {@code done} completes once all are written, or failed. */
        void write(Callback done, ByteBuffer... buffers);

        /** Drops the connection without a close frame. */
        void abort();

        /** The endpoint under Jetty's WebSocket session, which Jetty's own frame writer shares. */
        static Wire of(CoreSession session) {
            EndPoint endPoint = ((WebSocketCoreSession) session).getConnection().getEndPoint();
            return new Wire() {
                @Override
                public void write(Callback done, ByteBuffer... buffers) {
                    // once Jetty has sent a close frame (its own, on an error or idle timeout), nothing may follow it
                    if (!session.isOutputOpen()) {
                        done.failed(new ClosedChannelException());
                        return;
                    }
                    endPoint.write(done, buffers);
                }

                @Override
                public void abort() {
                    session.abort();
                }
            };
        }
    }
}
