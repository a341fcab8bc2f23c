package io.herald.edge.http;

import io.herald.edge.settings.EdgeProperties;
import java.time.Duration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Applies {@code herald.edge.allowed-origins} as CORS to the event stream and the dev token endpoint; the WebSocket
 * handshake checks the same origins itself ({@code EdgeWebSocketServlet}).
 */
@Configuration(proxyBeanMethods = false)
class CrossOriginConfiguration {

    private final EdgeProperties properties;

    CrossOriginConfiguration(EdgeProperties properties) {
        this.properties = properties;
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
