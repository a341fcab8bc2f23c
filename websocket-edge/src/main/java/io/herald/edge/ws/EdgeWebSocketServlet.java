package io.herald.edge.ws;

import io.herald.edge.auth.Identity;
import io.herald.edge.connection.ConnectionGate;
import io.herald.edge.http.HttpProblem;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.util.WebUtils;

/**
 * {@code GET /ws}: the WebSocket handshake, through Jetty's WebSocket API. In order: the {@link ConnectionGate}
 * (503 draining, 401 token, 429 too many connections), the origin (403 for a page of an origin not in
 * {@code herald.edge.allowed-origins}; a request without {@code Origin}, not a browser's, passes), the protocol version
 * (426 with {@code Sec-WebSocket-Version: 13} for another one, as RFC 6455 asks), then the upgrade itself (400 for a
 * request that is no WebSocket handshake). Every refusal is a problem document, like the rest of the node's.
 *
 * <p>No WebSocket extension is negotiated, whatever the client offers (browsers and Node.js's ws offer
 * permessage-deflate in every handshake): compression would encode every frame again for every session (a frame is
 * encoded once for all of them, see {@code TextFrame}), keep a compressor per connection, and hide a stalled client
 * from the slow-consumer limits, which count what the socket has not taken (48 MB of backlog behind a blocked
 * Node.js client compressed into 190 KB of socket buffer and was never noticed).
 */
final class EdgeWebSocketServlet extends HttpServlet {

    private final transient ConnectionGate gate;
    private final transient EdgeWebSocketHandler handler;
    private final transient CorsConfiguration origins;
    private final transient Limits limits;
    private final transient HttpProblem problems;
    private transient JettyWebSocketServerContainer container;

    /**
     * @param maxTextBytes largest client message; a larger one closes the session with 1009
     * @param idleTimeout  how long Jetty keeps a silent connection (the heartbeat decides sooner, see EdgeSession)
     */
    record Limits(long maxTextBytes, Duration idleTimeout) {
    }

    /** The one protocol version Jetty speaks, and the one RFC 6455 defines. */
    private static final String WEBSOCKET_VERSION = "13";

    EdgeWebSocketServlet(ConnectionGate gate, EdgeWebSocketHandler handler, List<String> allowedOrigins,
            Limits limits, HttpProblem problems) {
        this.problems = problems;
        this.gate = gate;
        this.handler = handler;
        this.origins = new CorsConfiguration();
        this.origins.setAllowedOriginPatterns(allowedOrigins);
        this.limits = limits;
    }

    /**
     * Client frames are small; Jetty enforces these as limits and assembles a message only while one arrives, so they
     * bound what a hostile client can make the node hold, not what an idle connection costs. Binary frames are refused
     * (1003) whatever their size, so their limit stays tiny.
     */
    @Override
    public void init() throws ServletException {
        container = JettyWebSocketServerContainer.getContainer(getServletContext());
        if (container == null) {
            throw new ServletException("Jetty's WebSocket container is not set up (is the Jetty starter there?)");
        }
        container.setMaxTextMessageSize(limits.maxTextBytes());
        container.setMaxBinaryMessageSize(1024);
        container.setIdleTimeout(limits.idleTimeout());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Identity identity = gate.admit(request, response);
        if (identity == null) {
            return;
        }
        if (!allowedOrigin(request)) {
            problems.originNotAllowed(response);
            return;
        }
        String version = request.getHeader("Sec-WebSocket-Version");
        if (version != null && !version.trim().equals(WEBSOCKET_VERSION)) {
            response.setHeader("Sec-WebSocket-Version", WEBSOCKET_VERSION);
            problems.write(response, 426, "unsupported-websocket-version",
                    "this node speaks WebSocket version " + WEBSOCKET_VERSION + " (RFC 6455) only", null);
            return;
        }
        boolean upgraded = container.upgrade((upgradeRequest, upgradeResponse) -> {
            upgradeResponse.setExtensions(List.of());
            return new EdgeSocket(handler, identity);
        }, request, response);
        if (!upgraded && !response.isCommitted()) {
            problems.write(response, HttpServletResponse.SC_BAD_REQUEST, "not-a-websocket-handshake",
                    "/ws takes a WebSocket handshake (GET with Upgrade: websocket, Connection: Upgrade, "
                            + "Sec-WebSocket-Key and Sec-WebSocket-Version: 13)", null);
        }
    }

    /** No patterns: same origin only; a client that sends no Origin (not a browser) is not affected. */
    private boolean allowedOrigin(HttpServletRequest request) {
        ServletServerHttpRequest http = new ServletServerHttpRequest(request);
        return WebUtils.isSameOrigin(http) || origins.checkOrigin(http.getHeaders().getOrigin()) != null;
    }
}
