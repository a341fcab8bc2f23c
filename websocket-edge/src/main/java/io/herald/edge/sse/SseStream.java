package io.herald.edge.sse;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.resume.ResumeToken;
import io.herald.edge.auth.Identity;
import io.herald.edge.connection.Connection;
import io.herald.edge.connection.OutboundQueue;
import io.herald.edge.delivery.ChannelSubscription;
import io.herald.edge.delivery.FrameSink;
import io.herald.edge.delivery.TextFrame;
import io.herald.edge.protocol.ErrorCode;
import io.herald.edge.protocol.ServerFrames;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One event stream: the SSE counterpart of a WebSocket session, fed by the same subscriptions through the same
 * {@link FrameSink} contract. Each protocol frame becomes an event named after its {@code op} whose data is the
 * frame itself. Events that move a channel's position forward ({@code message}, {@code subscribed}) carry as
 * their {@code id} a resume token of every channel of the stream, so the browser's {@code Last-Event-ID} is
 * always a complete place to resume from.
 *
 * <p>Writes use the servlet's non-blocking output, so whoever produces a frame (fan-out, catch-up) only queues
 * it, in the same {@link OutboundQueue} as a WebSocket session's: past {@code maxBytes} queued, or when the client
 * has taken nothing for {@code maxDelay}, the stream ends; the client reconnects with its Last-Event-ID and loses
 * nothing.
 */
final class SseStream implements FrameSink, Connection, WriteListener, AsyncListener {

    private static final byte[] HEARTBEAT = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private final String id;
    private final Identity identity;
    private final ServerFrames frames;
    private final long heartbeatNanos;
    /** Called once when the stream has ended, whatever ended it, with why (a metric tag). */
    private final Consumer<String> onEnd;

    private final Map<ChannelName, Position> positions = new LinkedHashMap<>();
    private final List<ChannelSubscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Stalled while the output is not ready (the client stopped taking data). */
    private final OutboundQueue<byte[]> queue;
    private final AtomicBoolean ended = new AtomicBoolean();
    private AsyncContext async;
    private ServletOutputStream out;
    private long lastEventNanos;
    /** No more frames are accepted. */
    private boolean closed;
    /** Complete the response once what is queued has been written. */
    private boolean finishing;
    private String endReason = "client_gone";

    SseStream(String id, Identity identity, ServerFrames frames, long maxBytes, long maxDelayNanos, long heartbeatNanos,
            Consumer<String> onEnd) {
        this.id = id;
        this.identity = identity;
        this.frames = frames;
        this.queue = new OutboundQueue<>(maxBytes, maxDelayNanos, event -> event.length);
        this.heartbeatNanos = heartbeatNanos;
        this.onEnd = onEnd;
        this.lastEventNanos = System.nanoTime();
    }

    /** Takes over the request's response; from here on the container calls back when the client can take more. */
    void start(AsyncContext context) throws IOException {
        synchronized (this) {
            this.async = context;
            this.out = context.getResponse().getOutputStream();
        }
        context.addListener(this);
        out.setWriteListener(this);
    }

    /** A position to carry in event ids before the channel's own events arrive (a channel being resumed). */
    synchronized void seed(ChannelName channel, Position position) {
        positions.put(channel, position);
    }

    /** Remembers a subscription to stop when the stream ends; false when it has ended already. */
    boolean track(ChannelSubscription subscription) {
        subscriptions.add(subscription);
        return !ended.get();
    }

    List<ChannelSubscription> subscriptions() {
        return subscriptions;
    }

    boolean hasEnded() {
        return ended.get();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Identity identity() {
        return identity;
    }

    @Override
    public String owner() {
        return identity.owner(id);
    }

    /**
     * An event stream cannot subscribe to one channel again: it ends once the {@code unavailable} event is written,
     * and the EventSource's reconnect resumes every channel from its Last-Event-ID.
     */
    @Override
    public void forget(ChannelSubscription subscription) {
        subscriptions.remove(subscription);
        finish("unavailable");
    }

    @Override
    public boolean send(TextFrame frame) {
        if (!offer(frame)) {
            return false;
        }
        flush();
        return true;
    }

    /** Queues the event without writing it, so that a replay's events leave in one write ({@link #flush}). */
    @Override
    public boolean offer(TextFrame frame) {
        boolean slow;
        synchronized (this) {
            if (closed) {
                return false;
            }
            String eventId = null;
            Position position = frame.position();
            Position known = position == null ? null : positions.get(frame.channel());
            // only forward: an operator's replay re-sends an older message, which must not move the stream back
            if (position != null && (known == null || position.isAfter(known))) {
                positions.put(frame.channel(), position);
                eventId = new ResumeToken(positions).encode();
            }
            slow = enqueue(event(frame, eventId));
        }
        if (slow) {
            abort("slow_consumer");
            return false;
        }
        return true;
    }

    @Override
    public void flush() {
        pump();
    }

    /** Like {@code Outbound}: lets a replay flow at the client's pace (see {@link FrameSink#awaitCapacity()}). */
    @Override
    public boolean awaitCapacity() throws InterruptedException {
        pump(); // events offered but not flushed must be on their way, or no room would ever come
        synchronized (this) {
            if (queue.awaitRoom(this, () -> closed)) {
                return true;
            }
            if (closed) {
                return false;
            }
        }
        abort("slow_consumer");
        return false;
    }

    @Override
    public void tick(long nowNanos, Instant now) {
        boolean stuck = false;
        boolean expired = false;
        boolean idle = false;
        synchronized (this) {
            if (ended.get()) {
                return;
            }
            if (queue.stalledTooLong(nowNanos)) {
                stuck = true;
            } else if (!closed && identity.expiredAt(now)) {
                expired = true;
            } else if (!closed && nowNanos - lastEventNanos >= heartbeatNanos) {
                idle = true;
                enqueue(HEARTBEAT);
            }
        }
        if (stuck) {
            abort("slow_consumer");
        } else if (expired) {
            send(frames.error(ErrorCode.UNAUTHORIZED, "token expired; reconnect with a new token", null));
            finish("token_expired");
        } else if (idle) {
            pump();
        }
    }

    /** Like a WebSocket's 1012: ends now, dropping what is queued; the EventSource reconnects elsewhere and resumes. */
    @Override
    public void drain() {
        abort("node_draining");
    }

    @Override
    public synchronized long queued() {
        return queue.bytes();
    }

    /** Ends the stream once what is queued has been written (or has been stuck for the time limit). */
    void finish(String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            finishing = true;
            endReason = reason;
        }
        pump();
    }

    /** Ends the stream now, dropping what is queued. */
    void abort(String reason) {
        synchronized (this) {
            if (!closed) {
                endReason = reason;
            }
            closed = true;
            queue.clear();
            notifyAll();
        }
        complete();
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    @Override
    public void onError(Throwable failure) {
        abort("client_gone");
    }

    @Override
    public void onComplete(AsyncEvent event) {
        ended();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        abort("timeout");
    }

    @Override
    public void onError(AsyncEvent event) {
        abort("client_gone");
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    /** Adds to the queue; returns true when the stream is now over its limits (the caller aborts it). */
    private boolean enqueue(byte[] event) {
        queue.add(event);
        long now = System.nanoTime();
        lastEventNanos = now;
        return queue.overBytes() || queue.stalledTooLong(now);
    }

    /** Writes what the client can take now; the container calls {@link #onWritePossible()} when it can take more. */
    private void pump() {
        boolean done = false;
        synchronized (this) {
            if (out == null || ended.get()) {
                return;
            }
            try {
                while (true) {
                    if (!out.isReady()) {
                        if (!queue.isStalled()) {
                            queue.stalled(System.nanoTime());
                        }
                        return;
                    }
                    queue.flowing();
                    byte[] next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    notifyAll();
                    out.write(next);
                }
                out.flush();
                if (!out.isReady()) {
                    queue.stalled(System.nanoTime());
                    return;
                }
                done = finishing;
            } catch (IOException | IllegalStateException e) {
                closed = true;
                queue.clear();
                done = true;
            }
        }
        if (done) {
            complete();
        }
    }

    private void complete() {
        AsyncContext context;
        synchronized (this) {
            context = async;
        }
        if (context != null) {
            try {
                context.complete();
            } catch (IllegalStateException e) {
                // already completed by the container (client gone)
            }
        }
        ended();
    }

    private void ended() {
        if (ended.compareAndSet(false, true)) {
            String reason;
            synchronized (this) {
                closed = true;
                queue.clear();
                notifyAll();
                reason = endReason;
            }
            onEnd.accept(reason);
        }
    }

    /**
     * The frame as one event: its already encoded bytes after an ASCII head ({@code id}, {@code event}, the
     * {@code data} field's name), copied once, never formatted or encoded again.
     */
    private static byte[] event(TextFrame frame, String eventId) {
        String data = frame.text();
        if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0) {
            return multiLineEvent(frame.op(), eventId, data);
        }
        // ASCII: a resume token is base64url, an op a word
        byte[] head = ((eventId == null ? "" : "id: " + eventId + "\n") + "event: " + frame.op() + "\ndata: ")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] event = new byte[head.length + frame.size() + 2];
        System.arraycopy(head, 0, event, 0, head.length);
        frame.bytes().get(event, head.length, frame.size());
        event[event.length - 2] = '\n';
        event[event.length - 1] = '\n';
        return event;
    }

    /** Frames are single-line JSON; a line break would end the data field, so such a frame is split defensively. */
    private static byte[] multiLineEvent(String name, String eventId, String data) {
        StringBuilder event = new StringBuilder(data.length() + (eventId == null ? 0 : eventId.length()) + 32);
        if (eventId != null) {
            event.append("id: ").append(eventId).append('\n');
        }
        event.append("event: ").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            event.append("data: ").append(line).append('\n');
        }
        return event.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
