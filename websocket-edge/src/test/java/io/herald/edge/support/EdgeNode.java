package io.herald.edge.support;

import io.herald.edge.EdgeApplication;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** An edge node started in this JVM on a random port, against the given Redis and Kafka. */
public final class EdgeNode implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private EdgeNode(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static EdgeNode start(String redisUrl, String kafkaBootstrap, String topic, String... extraProperties) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.data.redis.url=" + redisUrl,
                "--spring.kafka.bootstrap-servers=" + kafkaBootstrap,
                "--herald.kafka.topic=" + topic,
                "--herald.edge.drain.period=100ms"));
        for (String property : extraProperties) {
            args.add("--" + property);
        }
        // command-line arguments, so that they win over edge.yml as they would in production
        return new EdgeNode(new SpringApplicationBuilder(EdgeApplication.class)
                .properties("spring.config.name=edge").run(args.toArray(String[]::new)));
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port() + "/ws");
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
