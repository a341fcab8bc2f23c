package io.herald.edge.support;

import io.herald.edge.EdgeApplication;
import io.herald.testkit.auth.TestTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An edge node started in this JVM on random ports (client and management), against the given Redis and Kafka.
 * It checks HS256 tokens signed with {@link TestTokens#SECRET} unless the extra properties say otherwise.
 */
public final class EdgeNode implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private EdgeNode(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts a node; {@code extraProperties} ({@code name=value}) override the defaults set here. */
    public static EdgeNode start(String redisUrl, String kafkaBootstrap, String topic, String... extraProperties) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("management.server.port", "0");
        properties.put("spring.data.redis.url", redisUrl);
        properties.put("spring.kafka.bootstrap-servers", kafkaBootstrap);
        properties.put("herald.kafka.topic", topic);
        properties.put("herald.edge.drain.period", "100ms");
        properties.put("herald.edge.auth.hs256-secret", TestTokens.SECRET);
        for (String property : extraProperties) {
            int equals = property.indexOf('=');
            properties.put(property.substring(0, equals), property.substring(equals + 1));
        }
        // command-line arguments, so that they win over edge.yml as they would in production; each name once,
        // since a repeated argument would be joined into a list
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        return new EdgeNode(new SpringApplicationBuilder(EdgeApplication.class)
                .properties("spring.config.name=edge").run(args.toArray(String[]::new)));
    }

    public int port() {
        return webServer().getPort();
    }

    /** The server on the client port (Jetty's, {@code org.springframework.boot.jetty.JettyWebServer}). */
    public WebServer webServer() {
        return ((WebServerApplicationContext) context).getWebServer();
    }

    /** Health and metrics: {@code management.server.port}, random here as the client port is. */
    public int managementPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
    }

    /** {@code pathAndQuery} on the management port, e.g. {@code /actuator/health}. */
    public URI management(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + managementPort() + pathAndQuery);
    }

    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port() + "/ws");
    }

    /** {@code /ws} with the token as the {@code access_token} query parameter, as a browser sends it. */
    public URI ws(String token) {
        return URI.create(ws() + "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
