package io.herald.edge.delivery;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.edge.history.HistoryListener;
import java.util.ArrayDeque;

/**
 * One session's subscription to one channel, and the guarantee behind it: frames leave in channel order,
 * each exactly once, with no gap. The state is {@code lastSent}, the position of the last notification
 * handed to the session, and whether the subscription is live.
 *
 * <p>Live, a pub/sub message is delivered when it continues {@code lastSent} ({@link LiveMessage#continuesLive}:
 * {@code prev <= lastSent < id}, since {@code lastSent} may be a baseline that is no notification of the channel, or
 * {@code prev} is {@code 0-0}: a new channel's first message needs no catch-up);
 * an older one is a duplicate and dropped; any other reveals a gap, and the subscription stops being live: it
 * buffers what arrives and asks for a catch-up, which reads the log (then Kafka) from {@code lastSent} and then flushes
 * the buffer, dropping what it already sent. A new subscription starts in that same catching-up state, so
 * the handoff from history to live is the same code as gap repair. Where history itself has a hole (Kafka's
 * retention passed it), the client gets a {@code reset} frame and delivery goes on after the hole: never a
 * silent gap.
 *
 * <p>Every notification reaches the session through {@link #deliver}, live or from history, and that is where a
 * notification whose {@code expiresAt} has passed is dropped: {@code lastSent} still moves past it, so the
 * {@code prev} chain stays continuous and an expired notification never looks like a gap.
 */
public final class ChannelSubscription implements HistoryListener {

    /** Beyond this many buffered live messages, drop the buffer: the next catch-up reads them from the log. */
    static final int MAX_PENDING = 10_000;

    private final ChannelName channel;
    private final FrameSink sink;
    private final Frames frames;
    private final CatchUpScheduler scheduler;
    private final DeliveryMetrics metrics;
    private final String owner;

    private Position lastSent;
    private boolean live;
    private boolean closed;
    private boolean pendingOverflowed;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** The first catch-up answers the subscribe; later ones repair gaps silently. */
    private boolean answered;
    private final boolean fresh;
    /** Catch-ups that failed in a row; touched by one catch-up at a time (a subscription has at most one due). */
    private int failures;

    ChannelSubscription(ChannelName channel, Position since, FrameSink sink, Frames frames, CatchUpScheduler scheduler,
            DeliveryMetrics metrics) {
        this.channel = channel;
        this.sink = sink;
        this.frames = frames;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.owner = sink.owner();
        this.fresh = since == null;
        this.lastSent = since;
    }

    public ChannelName channel() {
        return channel;
    }

    /**
     * A message from the node's pub/sub connection; {@code frame} is the shared message frame, encoded once for every
     * session, and {@code createdAt} the envelope's creation time (epoch millis, negative when unknown), for the
     * latency metric, and {@code expiresAt} its expiry ({@link EnvelopeTime#NEVER} for none); both are read once per
     * message, not per session. The frame is queued, not written: the fan-out calls {@link #flush} after its batch.
     */
    public void onLive(LiveMessage message, TextFrame frame, long createdAt, long expiresAt) {
        boolean gap;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (!live) {
                buffer(message, frame, createdAt, expiresAt);
                return;
            }
            if (!message.id().isAfter(lastSent)) {
                return;
            }
            gap = !message.continuesLive(lastSent);
            if (gap) {
                live = false;
                buffer(message, frame, createdAt, expiresAt);
            } else {
                deliverLive(message.id(), frame, createdAt, expiresAt);
            }
        }
        if (gap) {
            scheduler.gapDetected(this);
        }
    }

    /**
     * An operator's replay ({@code heraldctl replay}): handed to the client as it is, outside the ordering and
     * gap checks and without moving {@code lastSent}, once the subscribe was answered (before that the client
     * would get a message for a channel it does not know it is subscribed to yet). The client drops IDs it has.
     * An expired one is not delivered (the dispatcher skips those already, this catches one that expired on the way).
     */
    public void onReplay(TextFrame frame, long expiresAt) {
        synchronized (this) {
            if (closed || !answered) {
                return;
            }
            if (expired(expiresAt)) {
                metrics.expired();
                return;
            }
            if (sink.send(frame)) {
                metrics.replay();
            }
        }
    }

    /** Writes the frames queued by {@link #onLive} (the fan-out, after its batch) or {@link #entry} (after a read). */
    @Override
    public void flush() {
        sink.flush();
    }

    /** Asks for a catch-up from {@code lastSent} (after the node's pub/sub connection came back, or a tail check). */
    public void requestCatchUp() {
        synchronized (this) {
            if (closed || !live) {
                return; // a catch-up is already due
            }
            live = false;
        }
        scheduler.schedule(this);
    }

    public synchronized Position lastSent() {
        return lastSent;
    }

    public synchronized boolean isLive() {
        return live;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public void close() {
        synchronized (this) {
            closed = true;
            pending.clear();
        }
    }

    /** Whose catch-up this is, for fairness between users. */
    String owner() {
        return owner;
    }

    /** Counts a failed catch-up; returns how many failed in a row. */
    int catchUpFailed() {
        return ++failures;
    }

    void catchUpSucceeded() {
        failures = 0;
    }

    /**
     * The node gives the subscription up because its catch-up kept failing: the client is told {@code unavailable}
     * and the connection forgets the subscription, so that the client may subscribe again from its last position.
     * Returns false when the subscription was closed already.
     */
    boolean abandon(String reason) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            pending.clear();
            // queued, not yet written, until the connection has forgotten the subscription: a client that acts on
            // the frame at once (unsubscribes, subscribes again) must find it gone
            sink.offer(frames.unavailable(channel, reason));
        }
        sink.forget(this);
        sink.flush();
        return true;
    }

    /** Where a catch-up starts; null for a fresh subscription, which starts at the channel's current end. */
    synchronized Position catchUpFrom() {
        return lastSent;
    }

    /** Whether the subscribe was answered, i.e. the first catch-up is done. */
    synchronized boolean isAnswered() {
        return answered;
    }

    synchronized boolean isFresh() {
        return fresh && !answered;
    }

    /** A fresh subscription's starting point: the channel's last position when it subscribed. */
    synchronized void startAt(Position position) {
        if (lastSent == null) {
            lastSent = position;
        }
    }

    /**
     * Hands over one notification read from history, at the client's pace: the catch-up thread waits for room in
     * the outbound buffer before taking the lock (never while holding it, which would stall live fan-out). The frame
     * is queued, not written: {@link #flush} writes a read's worth at once.
     */
    @Override
    public void entry(LiveMessage entry) {
        try {
            if (!sink.awaitCapacity()) {
                close(); // the session is being closed as slow; it resumes from lastSent
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return;
        }
        synchronized (this) {
            if (closed || !entry.id().isAfter(lastSent)) {
                return;
            }
            if (deliver(entry.id(), frames.message(channel, entry),
                    EnvelopeTime.expiresAt(entry.envelopeJson()))) {
                metrics.history();
            }
        }
    }

    /**
     * Ends a catch-up: answers the subscribe if this was the first one, then flushes the buffered live messages.
     * Returns true when the subscription is live again, false when the buffer revealed another gap (the caller
     * then schedules one more catch-up).
     */
    boolean finishCatchUp(long replayed, boolean recovered) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            if (!answered) {
                answered = true;
                sink.send(frames.subscribed(channel, recovered, replayed, lastSent));
            }
            if (pendingOverflowed) {
                pendingOverflowed = false;
                pending.clear();
                return false;
            }
            boolean gapInBuffer = false;
            while (!pending.isEmpty() && !gapInBuffer) {
                Pending next = pending.peek();
                if (!next.message.id().isAfter(lastSent)) {
                    pending.poll();
                } else if (next.message.continuesLive(lastSent)) {
                    pending.poll();
                    deliverLive(next.message.id(), next.frame, next.createdAt, next.expiresAt);
                } else {
                    gapInBuffer = true;
                }
            }
            sink.flush();
            live = !gapInBuffer;
            return live;
        }
    }

    /**
     * Notifications up to {@code through} cannot be recovered: the client is told to reload ({@code reset}) and
     * delivery goes on after them.
     */
    @Override
    public void gap(Position through, String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            sink.send(frames.reset(channel, reason));
            if (through.isAfter(lastSent)) {
                lastSent = through;
            }
        }
    }

    private void buffer(LiveMessage message, TextFrame frame, long createdAt, long expiresAt) {
        if (pending.size() >= MAX_PENDING) {
            pendingOverflowed = true;
            pending.clear();
        }
        if (!pendingOverflowed) {
            pending.add(new Pending(message, frame, createdAt, expiresAt));
        }
    }

    /**
     * Queues the frame, unless the notification expired: then only {@code lastSent} moves (so the next one's
     * {@code prev} still matches). Returns whether the frame was queued; whoever delivers calls
     * {@code sink.flush()} once it has queued what it had.
     */
    private boolean deliver(Position id, TextFrame frame, long expiresAt) {
        lastSent = id;
        if (expired(expiresAt)) {
            metrics.expired();
            return false;
        }
        sink.offer(frame);
        return true;
    }

    private void deliverLive(Position id, TextFrame frame, long createdAt, long expiresAt) {
        if (deliver(id, frame, expiresAt)) {
            metrics.live(createdAt);
        }
    }

    /** Checked at delivery, not on arrival, so that a message buffered during a catch-up cannot outlive its expiry. */
    private static boolean expired(long expiresAt) {
        return expiresAt != EnvelopeTime.NEVER && expiresAt <= System.currentTimeMillis();
    }

    private record Pending(LiveMessage message, TextFrame frame, long createdAt, long expiresAt) {
    }
}
