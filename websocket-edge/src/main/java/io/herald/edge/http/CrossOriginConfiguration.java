package io.herald.edge.http;

import io.herald.edge.settings.EdgeProperties;
import java.time.Duration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Applies {@code herald.edge.allowed-origins} as CORS to the event stream and the dev token endpoint; the WebSocket
 * handshake checks the same origins itself ({@code EdgeWebSocketServlet}).
 */
@Configuration(proxyBeanMethods = false)
class CrossOriginConfiguration {

    private final EdgeProperties properties;
    private final HttpProblem problems;

    CrossOriginConfiguration(EdgeProperties properties, HttpProblem problems) {
        this.properties = properties;
        this.problems = problems;
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
        CorsFilter filter = new CorsFilter(source);
        filter.setCorsProcessor(new ProblemRefusals(problems));
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/sse", "/dev/*");
        return registration;
    }

    /** Spring's CORS checks, with a refused origin answered like every other refusal of the node: a problem document. */
    private static final class ProblemRefusals extends DefaultCorsProcessor {

        private final HttpProblem problems;

        ProblemRefusals(HttpProblem problems) {
            this.problems = problems;
        }

        /** The response is the servlet's (CorsFilter's processor wraps it); nothing of it was written yet. */
        @Override
        protected void rejectRequest(ServerHttpResponse response) {
            problems.originNotAllowed(((ServletServerHttpResponse) response).getServletResponse());
        }
    }
}
