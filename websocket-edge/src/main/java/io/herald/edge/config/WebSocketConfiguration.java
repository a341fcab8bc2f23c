package io.herald.edge.config;

import io.herald.edge.session.EdgeWebSocketHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/** Mounts protocol v1 on {@code /ws} and sizes the container's per-session buffers. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class WebSocketConfiguration implements WebSocketConfigurer {

    private final EdgeWebSocketHandler handler;

    public WebSocketConfiguration(EdgeWebSocketHandler handler) {
        this.handler = handler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, "/ws").setAllowedOriginPatterns("*");
    }

    /**
     * Client frames are small; a frame over the limit closes the session with 1009. The buffers are allocated
     * per session, so keeping them small is what lets a node hold tens of thousands of idle connections.
     */
    @Bean
    ServletServerContainerFactoryBean webSocketContainer(EdgeProperties properties) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(properties.limits().maxFrameBytes());
        container.setMaxBinaryMessageBufferSize(1024);
        return container;
    }
}
