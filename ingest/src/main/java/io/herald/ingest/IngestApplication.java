package io.herald.ingest;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The HTTP ingest service: accepts notifications over HTTP and writes them to Kafka. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IngestApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /**
     * The application with its own config name ({@code ingest.yml}), because several Herald apps may share one
     * classpath (tests, the dev mode) and must not read each other's {@code application.yml}.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(IngestApplication.class).properties("spring.config.name=ingest");
    }
}
