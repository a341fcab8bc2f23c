package io.herald.edge.ws;

import io.herald.core.channel.ChannelName;
import io.herald.edge.auth.Identity;
import io.herald.edge.connection.Connection;
import io.herald.edge.delivery.ChannelSubscription;
import io.herald.edge.delivery.FrameSink;
import io.herald.edge.delivery.TextFrame;
import io.herald.edge.settings.EdgeProperties;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One connected WebSocket client: its identity, socket, outbound buffer, subscriptions and the counters its
 * limits are checked against. Frames of one session are handled one at a time, so the counters need no lock.
 */
public final class EdgeSession implements FrameSink, Connection {

    /** The peer answered nothing (no frame, no pong) within the heartbeat timeout; reconnect and resume. */
    static final CloseCode HEARTBEAT_TIMEOUT = new CloseCode(4000, "heartbeat timeout");
    /** The token expired and no {@code refresh} came; reconnect with a new token and resume. */
    static final CloseCode TOKEN_EXPIRED = new CloseCode(4001, "token expired");
    /** Closed because the client did not keep up; it should reconnect and resume. */
    static final CloseCode SLOW_CONSUMER = new CloseCode(4008, "slow consumer");
    /** The client asked for more channels than a session may hold: its own doing, a reconnect would repeat it. */
    static final CloseCode TOO_MANY_SUBSCRIPTIONS = new CloseCode(4009, "too many subscriptions");
    /** The client kept subscribing past its rate after being told: its own doing, a reconnect would repeat it. */
    static final CloseCode SUBSCRIBE_RATE_EXCEEDED = new CloseCode(4009, "subscribe rate exceeded");
    /**
     * Several handshakes of one user passed the connection limit's check at once and this one came last: the
     * same refusal as the handshake's 429, and as transient (a slot frees when another connection of the user
     * ends), so it has its own code, which clients treat as retryable, unlike 4009.
     */
    static final CloseCode TOO_MANY_CONNECTIONS = new CloseCode(4029, "too many connections");
    static final CloseCode TOO_MANY_BAD_FRAMES = new CloseCode(1008, "too many bad frames");
    static final CloseCode BINARY_FRAME = new CloseCode(1003, "binary frames are not supported");
    /** Closed because the node is shutting down; reconnect elsewhere and resume. */
    static final CloseCode DRAINING = new CloseCode(1012, "node draining");

    private final String id;
    private final Session socket;
    private final Outbound outbound;
    private final SessionCloser closer;
    private final long pingIntervalNanos;
    private final long silenceLimitNanos;
    private final Map<ChannelName, ChannelSubscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final TokenBucket subscribes;
    private volatile Identity identity;
    private volatile long lastHeardNanos;
    private long lastPingNanos;
    private int badFrames;
    private int rateLimited;

    EdgeSession(String id, Session socket, Outbound outbound, Identity identity, SessionCloser closer,
            EdgeProperties properties, long nowNanos) {
        this.id = id;
        this.socket = socket;
        this.outbound = outbound;
        this.identity = identity;
        this.closer = closer;
        this.pingIntervalNanos = properties.heartbeat().interval().toNanos();
        this.silenceLimitNanos = properties.heartbeat().timeout().toNanos();
        this.subscribes = new TokenBucket(properties.limits().subscribeBurst(), properties.limits().subscribeRate(), nowNanos);
        this.lastHeardNanos = nowNanos;
        this.lastPingNanos = nowNanos;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Identity identity() {
        return identity;
    }

    void identity(Identity refreshed) {
        this.identity = refreshed;
    }

    @Override
    public boolean send(TextFrame frame) {
        return outbound.send(frame);
    }

    @Override
    public boolean offer(TextFrame frame) {
        return outbound.offer(frame);
    }

    @Override
    public void flush() {
        outbound.flush();
    }

    @Override
    public boolean awaitCapacity() throws InterruptedException {
        return outbound.awaitCapacity();
    }

    @Override
    public String owner() {
        return identity.owner(id);
    }

    @Override
    public void forget(ChannelSubscription subscription) {
        subscriptions.remove(subscription.channel(), subscription);
    }

    /** Anything arrived from the peer (a frame or a pong): it is alive. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    @Override
    public void tick(long nowNanos, Instant now) {
        if (closing.get()) {
            return;
        }
        outbound.checkDelay(nowNanos);
        if (identity.expiredAt(now)) {
            close(TOKEN_EXPIRED);
        } else if (nowNanos - lastHeardNanos > silenceLimitNanos) {
            close(HEARTBEAT_TIMEOUT);
        } else if (nowNanos - lastPingNanos >= pingIntervalNanos) {
            lastPingNanos = nowNanos;
            outbound.ping();
        }
    }

    @Override
    public void drain() {
        close(DRAINING);
    }

    @Override
    public long queued() {
        return outbound.queuedBytes();
    }

    /**
     * Closes the socket with {@code status}, once: later calls do nothing and return false. A slow consumer's or a
     * draining node's queued frames are dropped (the client resumes from its last ID); otherwise what is queued,
     * such as the error frame that explains the close, is written first.
     */
    boolean close(CloseCode status) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        if (status.code() == SLOW_CONSUMER.code() || status.code() == DRAINING.code()) {
            outbound.shutdown();
        } else {
            outbound.seal();
        }
        closer.closeLater(this, status);
        return true;
    }

    boolean isClosing() {
        return closing.get();
    }

    /** The connection is gone (the container reported it closed). */
    void ended() {
        ended.countDown();
    }

    /** Waits for the close handshake to finish; false when the peer did not answer within {@code millis}. */
    boolean awaitEnded(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean takeSubscribeToken(long nowNanos) {
        return subscribes.tryTake(nowNanos);
    }

    /** Counts a refused frame; returns the count so far. */
    int badFrame() {
        return ++badFrames;
    }

    /** Counts a rate-limited subscribe; returns the count so far. */
    int rateLimited() {
        return ++rateLimited;
    }

    @Override
    public String toString() {
        return id;
    }

    Outbound outbound() {
        return outbound;
    }

    Session socket() {
        return socket;
    }

    ChannelSubscription subscription(ChannelName channel) {
        return subscriptions.get(channel);
    }

    /** Adds the subscription unless one exists for the channel; returns the existing one, or null when added. */
    ChannelSubscription addSubscription(ChannelSubscription subscription) {
        return subscriptions.putIfAbsent(subscription.channel(), subscription);
    }

    ChannelSubscription removeSubscription(ChannelName channel) {
        return subscriptions.remove(channel);
    }

    int subscriptionCount() {
        return subscriptions.size();
    }

    Collection<ChannelSubscription> subscriptions() {
        return subscriptions.values();
    }
}
