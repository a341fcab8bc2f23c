package io.herald.edge.http;

import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the edge's Jetty does before any Herald code sees a request: a listen backlog long enough for a reconnect
 * storm ({@code herald.edge.limits.accept-queue-size}), refusals as {@code application/problem+json}
 * ({@link ProblemErrorHandler}) and a deadline for request headers ({@link RequestHeaderTimeout},
 * {@code herald.edge.limits.request-header-timeout}).
 *
 * <p>Meter: {@code herald.edge.http.header.timeouts} (connections closed because their request headers did not
 * arrive in time).
 */
@Configuration(proxyBeanMethods = false)
class HttpServerConfiguration {

    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> connectorLimits(HttpProblem problems,
            EdgeProperties properties, MeterRegistry meters) {
        long timeoutMillis = properties.limits().requestHeaderTimeout().toMillis();
        int acceptQueueSize = properties.limits().acceptQueueSize();
        Counter closed = Counter.builder("herald.edge.http.header.timeouts")
                .description("Connections closed because their request headers did not arrive in time")
                .register(meters);
        return factory -> factory.addServerCustomizers(server -> {
            server.setErrorHandler(new ProblemErrorHandler(problems));
            for (Connector connector : server.getConnectors()) {
                if (connector instanceof ServerConnector listening) {
                    listening.setAcceptQueueSize(acceptQueueSize);
                }
            }
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
