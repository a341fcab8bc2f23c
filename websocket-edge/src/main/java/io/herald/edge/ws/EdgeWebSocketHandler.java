package io.herald.edge.ws;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.edge.auth.AuthenticationException;
import io.herald.edge.auth.Authenticator;
import io.herald.edge.auth.ChannelAccess;
import io.herald.edge.auth.Identity;
import io.herald.edge.connection.SessionRegistry;
import io.herald.edge.delivery.ChannelSubscription;
import io.herald.edge.delivery.SubscriptionService;
import io.herald.edge.protocol.ClientFrame;
import io.herald.edge.protocol.ClientFrameParser;
import io.herald.edge.protocol.ErrorCode;
import io.herald.edge.protocol.ProtocolException;
import io.herald.edge.protocol.ServerFrames;
import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Protocol v1 on {@code /ws} (docs/protocol.md): one instance serves every session, called by each connection's
 * {@link EdgeSocket}; frames of one session arrive one at a time. Every subscribe, and every channel of a resume
 * token, is checked against the session's rights before anything of the channel is read; refused frames get error
 * frames and, past the session's allowance, close it.
 */
@Component
public class EdgeWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(EdgeWebSocketHandler.class);

    private final ClientFrameParser parser;
    private final ServerFrames frames;
    private final SubscriptionService subscriptions;
    private final SessionRegistry registry;
    private final Authenticator authenticator;
    private final ChannelAccess access;
    private final EdgeProperties properties;
    private final SessionCloser closer;

    public EdgeWebSocketHandler(ClientFrameParser parser, ServerFrames frames, SubscriptionService subscriptions,
            SessionRegistry registry, Authenticator authenticator, ChannelAccess access, EdgeProperties properties,
            MeterRegistry meters) {
        this.parser = parser;
        this.frames = frames;
        this.subscriptions = subscriptions;
        this.registry = registry;
        this.authenticator = authenticator;
        this.access = access;
        this.properties = properties;
        this.closer = new SessionCloser(registry.io(), meters, properties.outbound().maxDelay().toMillis());
    }

    /**
     * A socket was upgraded for {@code identity} (admitted by {@link EdgeWebSocketServlet}): its session, welcomed,
     * or closed at once when the user's connection limit was reached meanwhile.
     */
    EdgeSession opened(Session socket, Identity identity) {
        // the frames are written to the connection's endpoint as shared encoded bytes (see Outbound)
        CoreSession core = ((WebSocketSession) socket).getCoreSession();
        String id = UUID.randomUUID().toString();
        EdgeSession[] holder = new EdgeSession[1];
        Outbound outbound = new Outbound(Outbound.Wire.of(core), properties.outbound().maxBytes(),
                properties.outbound().maxDelay().toNanos(), reason -> onSlow(holder[0], reason));
        EdgeSession session = new EdgeSession(id, socket, outbound, identity, closer, properties, System.nanoTime());
        holder[0] = session;
        if (!registry.add(session)) {
            // several handshakes of one user passed the gate at once: the ones past the limit go
            session.close(EdgeSession.TOO_MANY_CONNECTIONS);
            return session;
        }
        session.send(frames.welcome(properties.nodeId(), id));
        return session;
    }

    void text(EdgeSession session, String message) {
        if (session.isClosing()) {
            return; // a closing session does no more work for its client
        }
        session.heard();
        try {
            ClientFrame frame = parser.parse(message);
            if (frame instanceof ClientFrame.Subscribe subscribe) {
                subscribe(session, subscribe.channel(), subscribe.since());
            } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
                unsubscribe(session, unsubscribe.channel());
            } else if (frame instanceof ClientFrame.Resume resume) {
                resume(session, resume.token().positions());
            } else if (frame instanceof ClientFrame.Refresh refresh) {
                refresh(session, refresh.token());
            } else {
                session.send(frames.pong());
            }
        } catch (ProtocolException e) {
            refuse(session, e);
        }
    }

    /**
     * The session's socket is gone, however it ended; {@code answer} lets Jetty answer a client's close frame, once
     * the session's write in flight is done ({@link SessionCloser#afterWrites}).
     */
    void closed(EdgeSession session, Runnable answer) {
        registry.remove(session);
        session.outbound().shutdown();
        for (ChannelSubscription subscription : session.subscriptions()) {
            subscriptions.stop(subscription);
        }
        session.ended();
        closer.afterWrites(session, answer);
    }

    /**
     * Each channel of a resume token is subscribed on its own: one refused channel does not sink the others. The
     * frame counts once against the bad-frame allowance however many of its channels were refused.
     */
    private void resume(EdgeSession session, Map<ChannelName, Position> positions) {
        ProtocolException firstRefusal = null;
        for (Map.Entry<ChannelName, Position> entry : positions.entrySet()) {
            try {
                subscribe(session, entry.getKey(), entry.getValue());
            } catch (ProtocolException e) {
                session.send(frames.error(e.code(), e.getMessage(), e.channel()));
                if (firstRefusal == null) {
                    firstRefusal = e;
                }
            }
        }
        if (firstRefusal != null) {
            count(session, firstRefusal.code());
        }
    }

    private void subscribe(EdgeSession session, ChannelName channel, Position since) {
        if (!session.takeSubscribeToken(System.nanoTime())) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many subscribes; at most "
                    + properties.limits().subscribeRate() + " per second", channel);
        }
        if (!access.allows(session.identity(), channel)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "this token does not allow " + channel, channel);
        }
        if (session.subscription(channel) != null) {
            throw new ProtocolException(ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel, channel);
        }
        if (session.subscriptionCount() >= properties.limits().maxSubscriptions()) {
            session.close(EdgeSession.TOO_MANY_SUBSCRIPTIONS);
            return;
        }
        ChannelSubscription subscription = subscriptions.create(channel, since, session);
        session.addSubscription(subscription);
        try {
            subscriptions.start(subscription);
        } catch (SubscriptionService.SubscribeFailedException e) {
            session.removeSubscription(channel);
            // the cause's message only: during a Redis failover every subscribe fails alike, and a stack trace each
            // would bury the one line an operator needs
            log.warn("subscribe failed channel={} session={} error=\"{}\"", channel, session.id(), String.valueOf(e.getCause()));
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

    /**
     * Replaces the session's token with a newer one of the same subject. Its rights replace the old ones at once:
     * subscriptions the new token no longer allows are ended with a {@code forbidden} error.
     */
    private void refresh(EdgeSession session, String token) {
        if (!authenticator.enabled()) {
            session.send(frames.refreshed(null));
            return;
        }
        Identity fresh;
        try {
            fresh = authenticator.verify(token);
        } catch (AuthenticationException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "refresh refused (" + e.failure().code() + "): "
                    + e.getMessage());
        }
        if (!fresh.subject().equals(session.identity().subject())) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "refresh refused: the token is for another subject");
        }
        session.identity(fresh);
        session.send(frames.refreshed(fresh.expiresAt()));
        List<ChannelName> revoked = new ArrayList<>();
        for (ChannelSubscription subscription : session.subscriptions()) {
            if (!access.allows(fresh, subscription.channel())) {
                revoked.add(subscription.channel());
            }
        }
        for (ChannelName channel : revoked) {
            ChannelSubscription subscription = session.removeSubscription(channel);
            if (subscription != null) {
                subscriptions.stop(subscription);
                session.send(frames.error(ErrorCode.FORBIDDEN, "the refreshed token does not allow " + channel, channel));
            }
        }
    }

    private void refuse(EdgeSession session, ProtocolException e) {
        session.send(frames.error(e.code(), e.getMessage(), e.channel()));
        count(session, e.code());
    }

    /** Counts a refusal against the session's allowances, closing it once one is used up. */
    private void count(EdgeSession session, ErrorCode code) {
        if (code == ErrorCode.RATE_LIMITED) {
            if (session.rateLimited() > properties.limits().maxRateLimited()) {
                session.close(EdgeSession.SUBSCRIBE_RATE_EXCEEDED);
            }
        } else if (code.countsAsBadFrame() && session.badFrame() > properties.limits().maxBadFrames()) {
            session.close(EdgeSession.TOO_MANY_BAD_FRAMES);
        }
    }

    private void onSlow(EdgeSession session, String reason) {
        log.debug("slow consumer session={} reason=\"{}\"", session.id(), reason);
        session.close(EdgeSession.SLOW_CONSUMER);
    }
}
