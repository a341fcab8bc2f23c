package io.herald.edge.ws;

import io.herald.edge.connection.ConnectionGate;
import io.herald.edge.http.HttpProblem;
import io.herald.edge.settings.EdgeProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Mounts protocol v1 on {@code /ws} as a servlet of its own that upgrades through Jetty's WebSocket API (which Spring
 * Boot's Jetty starter sets up): one API for the handshake, the frames in and the frames out. The handshake checks the
 * token and {@code herald.edge.allowed-origins} (403 for another origin; the same origins get CORS on the other
 * endpoints, see {@code CrossOriginConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
public class WebSocketConfiguration {

    @Bean
    ServletRegistrationBean<EdgeWebSocketServlet> webSocketServlet(ConnectionGate gate, EdgeWebSocketHandler handler,
            EdgeProperties properties, HttpProblem problems) {
        // the heartbeat decides when a silent peer is dead (4000); the container's idle timeout only backs it up
        EdgeWebSocketServlet.Limits limits = new EdgeWebSocketServlet.Limits(properties.limits().maxFrameBytes(),
                properties.heartbeat().timeout().plus(properties.heartbeat().interval()));
        ServletRegistrationBean<EdgeWebSocketServlet> registration = new ServletRegistrationBean<>(
                new EdgeWebSocketServlet(gate, handler, properties.allowedOrigins(), limits, problems), "/ws");
        registration.setName("herald-ws");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
