package io.herald.edge.ws;

import io.herald.edge.auth.Identity;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded connection as Jetty's WebSocket API sees it: hands its events to the {@link EdgeWebSocketHandler}.
 * Jetty assembles each text message (within {@code herald.edge.limits.max-frame-bytes}, else 1009) and asks for the
 * next frame once a callback returns, so frames of one session arrive one at a time. Public: Jetty calls its methods
 * through public method handles.
 */
public final class EdgeSocket implements Session.Listener.AutoDemanding {

    private static final Logger log = LoggerFactory.getLogger(EdgeSocket.class);

    private final EdgeWebSocketHandler handler;
    private final Identity identity;
    /** Set when the socket opens, before Jetty delivers any frame or close. */
    private volatile EdgeSession session;

    EdgeSocket(EdgeWebSocketHandler handler, Identity identity) {
        this.handler = handler;
        this.identity = identity;
    }

    @Override
    public void onWebSocketOpen(Session socket) {
        session = handler.opened(socket, identity);
    }

    @Override
    public void onWebSocketText(String message) {
        handler.text(session, message);
    }

    /**
     * The client's own ping, answered by the session's outbound (which writes every frame of the session's, so Jetty
     * must not write a pong beside it). Not a sign of life: docs/protocol.md §7 counts only answers to the node's
     * pings and the client's frames.
     */
    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        session.outbound().pong(payload);
    }

    /** The answer to the heartbeat's ping: the peer is alive. */
    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        session.heard();
    }

    /** The protocol is text only: a binary frame is a client that speaks something else. */
    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        session.close(EdgeSession.BINARY_FRAME);
    }

    @Override
    public void onWebSocketError(Throwable error) {
        EdgeSession current = session;
        log.debug("transport error session={} error=\"{}\"", current == null ? "-" : current.id(), error.toString());
    }

    /**
     * The session is over: the client's close frame arrived (Jetty answers it once {@code callback} completes), the
     * node's close was answered, or the connection broke.
     */
    @Override
    public void onWebSocketClose(int code, String reason, Callback callback) {
        EdgeSession current = session;
        if (current == null) {
            callback.succeed();
            return;
        }
        handler.closed(current, callback::succeed);
    }
}
