package io.herald.edge.config;

import io.herald.edge.session.EdgeWebSocketHandler;
import io.herald.edge.session.HandshakeAuthenticator;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Mounts protocol v1 on {@code /ws} behind the token check, sizes the container's per-session buffers, and
 * applies {@code herald.edge.allowed-origins} to the WebSocket handshake (403 for another origin) and, as CORS,
 * to the event stream and the dev token endpoint.
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
        registry.addHandler(handler, "/ws").setHandshakeHandler(new UncompressedHandshakeHandler())
                .addInterceptors(authenticator)
                .setAllowedOriginPatterns(properties.allowedOrigins().toArray(String[]::new));
    }

    /**
     * Upgrades through the container's standard (JSR-356) API, whose session unwraps to Jetty's core session that
     * {@code Outbound} writes shared frames to, and negotiates no extension: permessage-deflate would compress every
     * frame again for every session (the frame is encoded once for all of them) and keep a compressor per connection.
     */
    private static final class UncompressedHandshakeHandler extends DefaultHandshakeHandler {

        UncompressedHandshakeHandler() {
            super(new StandardWebSocketUpgradeStrategy());
        }

        @Override
        protected List<WebSocketExtension> filterRequestedExtensions(ServerHttpRequest request,
                List<WebSocketExtension> requested, List<WebSocketExtension> supported) {
            return List.of();
        }
    }

    /**
     * Client frames are small; a frame over the limit closes the session with 1009. Jetty enforces these as limits
     * and assembles a message only while one arrives, so they bound what a hostile client can make the node hold,
     * not what an idle connection costs. Binary frames are refused (1003) whatever their size, so their limit stays
     * tiny.
     */
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

    /** Cross-origin reads of {@code /sse} and {@code /dev/token}, for the origins allowed to open a WebSocket. */
    @Bean
    FilterRegistrationBean<CorsFilter> corsFilter() {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(properties.allowedOrigins());
        cors.addAllowedMethod("GET");
        cors.addAllowedHeader(HttpHeaders.AUTHORIZATION);
        cors.addAllowedHeader("Last-Event-ID");
        cors.addAllowedHeader(HttpHeaders.CACHE_CONTROL);
        cors.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/sse", cors);
        source.registerCorsConfiguration("/dev/**", cors);
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
        registration.addUrlPatterns("/sse", "/dev/*");
        return registration;
    }
}
