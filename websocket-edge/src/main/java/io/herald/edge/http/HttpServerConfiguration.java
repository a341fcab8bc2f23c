package io.herald.edge.http;

import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the edge's Jetty does before any Herald code sees a request: refusals as {@code application/problem+json}
 * ({@link ProblemErrorHandler}) and a deadline for request headers ({@link RequestHeaderTimeout},
 * {@code herald.edge.limits.request-header-timeout}).
 *
 * <p>Meter: {@code herald.edge.http.header.timeouts} (connections closed because their request headers did not
 * arrive in time).
 */
@Configuration(proxyBeanMethods = false)
class HttpServerConfiguration {

    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> problemsAndHeaderTimeout(HttpProblem problems,
            EdgeProperties properties, MeterRegistry meters) {
        long timeoutMillis = properties.limits().requestHeaderTimeout().toMillis();
        Counter closed = Counter.builder("herald.edge.http.header.timeouts")
                .description("Connections closed because their request headers did not arrive in time")
                .register(meters);
        return factory -> factory.addServerCustomizers(server -> {
            server.setErrorHandler(new ProblemErrorHandler(problems));
            if (timeoutMillis > 0) {
                for (Connector connector : server.getConnectors()) {
                    HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
                    if (http != null) {
                        // on the HTTP/1 factory, not the connector: only HTTP connections, never WebSockets
                        http.addEventListener(new RequestHeaderTimeout(timeoutMillis, connector.getScheduler(), closed));
                    }
                }
            }
        });
    }
}
