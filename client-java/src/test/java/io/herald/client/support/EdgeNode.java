package io.herald.client.support;

import io.herald.edge.EdgeApplication;
import io.herald.testkit.auth.TestTokens;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real edge node started in this JVM (the few lines of websocket-edge's test support this module needs; that
 * class is a test class of another module): random port unless {@code server.port} is given, HS256 tokens signed
 * with {@link TestTokens#SECRET}.
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
        properties.put("management.server.port", "0"); // health and metrics have a port of their own (9081 by default)
        properties.put("spring.data.redis.url", redisUrl);
        properties.put("spring.kafka.bootstrap-servers", kafkaBootstrap);
        properties.put("herald.kafka.topic", topic);
        properties.put("herald.edge.drain.period", "100ms");
        properties.put("herald.edge.auth.hs256-secret", TestTokens.SECRET);
        for (String property : extraProperties) {
            int equals = property.indexOf('=');
            properties.put(property.substring(0, equals), property.substring(equals + 1));
        }
        // command-line arguments win over edge.yml, as in production
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        return new EdgeNode(new SpringApplicationBuilder(EdgeApplication.class)
                .properties("spring.config.name=edge").run(args.toArray(String[]::new)));
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public URI ws() {
        return ws(port());
    }

    /** The {@code /ws} URL of a node on {@code port} (which may not be running yet). */
    public static URI ws(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Closes the node's context: a graceful shutdown, which drains the sessions with 1012. */
    @Override
    public void close() {
        context.close();
    }
}
