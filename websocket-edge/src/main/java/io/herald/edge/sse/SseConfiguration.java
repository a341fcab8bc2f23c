package io.herald.edge.sse;

import io.herald.edge.auth.ChannelAccess;
import io.herald.edge.connection.ConnectionGate;
import io.herald.edge.connection.SessionRegistry;
import io.herald.edge.delivery.SubscriptionService;
import io.herald.edge.http.HttpProblem;
import io.herald.edge.protocol.ServerFrames;
import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Mounts the event stream on {@code /sse} as a servlet of its own: its writes are non-blocking, which Spring
 * MVC's SseEmitter does not offer, and a slow client must never hold a thread.
 */
@Configuration(proxyBeanMethods = false)
public class SseConfiguration {

    @Bean
    ServletRegistrationBean<SseServlet> sseServlet(ConnectionGate gate, ChannelAccess access,
            SubscriptionService subscriptions, SessionRegistry registry, ServerFrames frames, HttpProblem problems,
            EdgeProperties properties, MeterRegistry meters) {
        ServletRegistrationBean<SseServlet> registration = new ServletRegistrationBean<>(
                new SseServlet(gate, access, subscriptions, registry, frames, problems, properties, meters), "/sse");
        registration.setName("herald-sse");
        registration.setAsyncSupported(true);
        registration.setLoadOnStartup(1);
        return registration;
    }
}
