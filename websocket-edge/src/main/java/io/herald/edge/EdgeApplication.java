package io.herald.edge;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The WebSocket edge: clients connect here, subscribe to channels and resume after reconnecting. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EdgeApplication {

    public static void main(String[] args) {
        // its own config name, so that several Herald services can share one classpath (tests, dev mode)
        new SpringApplicationBuilder(EdgeApplication.class).properties("spring.config.name=edge").run(args);
    }
}
