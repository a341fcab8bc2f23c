package io.herald.edge.session;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.edge.config.EdgeProperties;
import io.herald.edge.protocol.ClientFrame;
import io.herald.edge.protocol.ClientFrameParser;
import io.herald.edge.protocol.ErrorCode;
import io.herald.edge.protocol.ProtocolException;
import io.herald.edge.protocol.ServerFrames;
import io.herald.edge.subscription.ChannelSubscription;
import io.herald.edge.subscription.SubscriptionService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.websocket.Session;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/** Protocol v1 on {@code /ws}: one instance serves every session; frames of one session arrive one at a time. */
@Component
public class EdgeWebSocketHandler extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(EdgeWebSocketHandler.class);

    private final ClientFrameParser parser;
    private final ServerFrames frames;
    private final SubscriptionService subscriptions;
    private final SessionRegistry registry;
    private final EdgeProperties properties;
    private final Map<String, EdgeSession> bySocket = new ConcurrentHashMap<>();
    private final Counter slowClosed;

    public EdgeWebSocketHandler(ClientFrameParser parser, ServerFrames frames, SubscriptionService subscriptions,
            SessionRegistry registry, EdgeProperties properties, MeterRegistry meters) {
        this.parser = parser;
        this.frames = frames;
        this.subscriptions = subscriptions;
        this.registry = registry;
        this.properties = properties;
        this.slowClosed = meters.counter("herald.edge.sessions.closed", "reason", "slow_consumer");
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) {
        Session nativeSocket = ((NativeWebSocketSession) socket).getNativeSession(Session.class);
        String id = UUID.randomUUID().toString();
        EdgeSession[] holder = new EdgeSession[1];
        Outbound outbound = new Outbound(nativeSocket, properties.outbound().maxBytes(),
                properties.outbound().maxDelay().toNanos(), reason -> onSlow(holder[0], reason));
        EdgeSession session = new EdgeSession(id, socket, outbound);
        holder[0] = session;
        bySocket.put(socket.getId(), session);
        registry.add(session);
        session.send(frames.welcome(properties.nodeId(), id));
    }

    @Override
    protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
        EdgeSession session = bySocket.get(socket.getId());
        if (session == null) {
            return;
        }
        try {
            ClientFrame frame = parser.parse(message.getPayload());
            if (frame instanceof ClientFrame.Subscribe subscribe) {
                subscribe(session, subscribe.channel(), subscribe.since());
            } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
                unsubscribe(session, unsubscribe.channel());
            } else if (frame instanceof ClientFrame.Resume resume) {
                resume.token().positions().forEach((channel, since) -> subscribeReportingErrors(session, channel, since));
            } else {
                session.send(frames.pong());
            }
        } catch (ProtocolException e) {
            session.send(frames.error(e.code(), e.getMessage(), e.channel()));
        }
    }

    @Override
    public void handleTransportError(WebSocketSession socket, Throwable exception) {
        log.debug("transport error session={} error=\"{}\"", socket.getId(), exception.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        EdgeSession session = bySocket.remove(socket.getId());
        if (session == null) {
            return;
        }
        registry.remove(session);
        session.outbound().shutdown();
        for (ChannelSubscription subscription : session.subscriptions()) {
            subscriptions.stop(subscription);
        }
    }

    /** Each channel of a resume token is subscribed on its own: one bad channel does not sink the others. */
    private void subscribeReportingErrors(EdgeSession session, ChannelName channel, Position since) {
        try {
            subscribe(session, channel, since);
        } catch (ProtocolException e) {
            session.send(frames.error(e.code(), e.getMessage(), e.channel()));
        }
    }

    private void subscribe(EdgeSession session, ChannelName channel, Position since) {
        if (session.subscription(channel) != null) {
            throw new ProtocolException(ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel, channel);
        }
        if (session.subscriptionCount() >= properties.limits().maxSubscriptions()) {
            session.outbound().shutdown();
            registry.closeLater(session, EdgeSession.LIMIT_EXCEEDED);
            return;
        }
        ChannelSubscription subscription = subscriptions.create(channel, since, session);
        session.addSubscription(subscription);
        try {
            subscriptions.start(subscription);
        } catch (SubscriptionService.SubscribeFailedException e) {
            session.removeSubscription(channel);
            log.warn("subscribe failed channel={} session={} error=\"{}\"", channel, session.id(), e.getCause());
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "the node cannot subscribe right now; retry", channel);
        }
    }

    private void unsubscribe(EdgeSession session, ChannelName channel) {
        ChannelSubscription subscription = session.removeSubscription(channel);
        if (subscription == null) {
            throw new ProtocolException(ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + channel, channel);
        }
        subscriptions.stop(subscription);
        session.send(frames.unsubscribed(channel));
    }

    private void onSlow(EdgeSession session, String reason) {
        slowClosed.increment();
        log.info("closing slow consumer session={} reason=\"{}\"", session.id(), reason);
        registry.closeLater(session, EdgeSession.SLOW_CONSUMER);
    }
}
