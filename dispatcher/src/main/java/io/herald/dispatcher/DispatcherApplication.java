package io.herald.dispatcher;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The dispatcher: a Kafka consumer group that applies every notification record to Redis exactly once (the
 * channel's replay log and pub/sub), committing offsets only after Redis acknowledged the whole batch.
 * Configuration comes from {@code dispatcher.yml} (not {@code application.yml}) so that several Herald
 * services can share one classpath.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DispatcherApplication {

    /** The application as {@code main} runs it; tests start it the same way with extra properties. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(DispatcherApplication.class).properties("spring.config.name=dispatcher");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
