package io.herald.edge.ws;

import io.herald.edge.auth.Identity;
import io.herald.edge.connection.ConnectionGate;
import java.util.Map;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/** Lets a WebSocket upgrade through the {@link ConnectionGate} and hands the identity to the session. */
@Component
public class HandshakeAuthenticator implements HandshakeInterceptor {

    /** The handshake attribute that carries the {@link Identity} to the session. */
    static final String IDENTITY = "herald.identity";

    private final ConnectionGate gate;

    public HandshakeAuthenticator(ConnectionGate gate) {
        this.gate = gate;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) {
        Identity identity = gate.admit(((ServletServerHttpRequest) request).getServletRequest(),
                ((ServletServerHttpResponse) response).getServletResponse());
        if (identity == null) {
            return false;
        }
        attributes.put(IDENTITY, identity);
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {
    }
}
