package io.herald.edge.session;

import io.herald.core.channel.ChannelName;
import io.herald.edge.subscription.ChannelSubscription;
import io.herald.edge.subscription.FrameSink;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/** One connected client: its socket, its outbound buffer and its subscriptions. */
public final class EdgeSession implements FrameSink {

    /** Closed because the client did not keep up; it should reconnect and resume. */
    public static final CloseStatus SLOW_CONSUMER = new CloseStatus(4008, "slow consumer");
    /** Closed because the node is shutting down; reconnect elsewhere and resume. */
    public static final CloseStatus DRAINING = new CloseStatus(1012, "node draining");
    public static final CloseStatus LIMIT_EXCEEDED = new CloseStatus(4009, "limit exceeded");

    private final String id;
    private final WebSocketSession socket;
    private final Outbound outbound;
    private final Map<ChannelName, ChannelSubscription> subscriptions = new ConcurrentHashMap<>();

    EdgeSession(String id, WebSocketSession socket, Outbound outbound) {
        this.id = id;
        this.socket = socket;
        this.outbound = outbound;
    }

    public String id() {
        return id;
    }

    @Override
    public boolean send(String frame) {
        return outbound.send(frame);
    }

    @Override
    public boolean awaitCapacity() throws InterruptedException {
        return outbound.awaitCapacity();
    }

    @Override
    public String toString() {
        return id;
    }

    Outbound outbound() {
        return outbound;
    }

    WebSocketSession socket() {
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
