package io.herald.edge.ws;

import io.herald.edge.settings.EdgeProperties;
import java.util.Set;
import org.eclipse.jetty.ee11.websocket.jakarta.server.JakartaWebSocketServerContainer;
import org.eclipse.jetty.websocket.core.WebSocketExtensionRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.context.ServletContextAware;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Mounts protocol v1 on {@code /ws} behind the token check, sizes the container's per-session buffers, and
 * applies {@code herald.edge.allowed-origins} to the WebSocket handshake (403 for another origin; the same origins
 * get CORS on the other endpoints, see {@code CrossOriginConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class WebSocketConfiguration implements WebSocketConfigurer {

    private final EdgeWebSocketHandler handler;
    private final HandshakeAuthenticator authenticator;
    private final EdgeProperties properties;

    public WebSocketConfiguration(EdgeWebSocketHandler handler, HandshakeAuthenticator authenticator,
            EdgeProperties properties) {
        this.handler = handler;
        this.authenticator = authenticator;
        this.properties = properties;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // no patterns: same origin only; clients that send no Origin (not browsers) are not affected
        // the container's standard (JSR-356) upgrade: its session unwraps to the Jetty core session Outbound writes to
        registry.addHandler(handler, "/ws").setHandshakeHandler(new DefaultHandshakeHandler(new StandardWebSocketUpgradeStrategy()))
                .addInterceptors(authenticator)
                .setAllowedOriginPatterns(properties.allowedOrigins().toArray(String[]::new));
    }

    /**
     * Client frames are small; a frame over the limit closes the session with 1009. Jetty enforces these as limits
     * and assembles a message only while one arrives, so they bound what a hostile client can make the node hold,
     * not what an idle connection costs. Binary frames are refused (1003) whatever their size, so their limit stays
     * tiny.
     */
    /**
     * Negotiates no WebSocket extension, whatever the client offers (browsers and Node.js's ws offer
     * permessage-deflate in every handshake): compression would encode every frame again for every session (a frame
     * is encoded once for all of them, see {@code TextFrame}), keep a compressor per connection, and hide a stalled
     * client from the slow-consumer limits, which count what the socket has not taken (48 MB of backlog behind a
     * blocked Node.js client compressed into 190 KB of socket buffer and was never noticed). Spring's
     * {@code DefaultHandshakeHandler#filterRequestedExtensions} cannot prevent it: Jetty's JSR-356 upgrade negotiates
     * from its own registry, so the extensions are taken out of that.
     */
    @Bean
    ServletContextAware noWebSocketExtensions() {
        return servletContext -> {
            WebSocketExtensionRegistry extensions = JakartaWebSocketServerContainer.getContainer(servletContext)
                    .getWebSocketComponents().getExtensionRegistry();
            Set.copyOf(extensions.getAvailableExtensionNames()).forEach(extensions::unregister);
        };
    }

    @Bean
    ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(properties.limits().maxFrameBytes());
        container.setMaxBinaryMessageBufferSize(1024);
        // the heartbeat decides when a silent peer is dead (4000); the container's idle timeout only backs it up
        container.setMaxSessionIdleTimeout(
                properties.heartbeat().timeout().plus(properties.heartbeat().interval()).toMillis());
        return container;
    }
}
