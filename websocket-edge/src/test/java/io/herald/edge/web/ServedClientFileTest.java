package io.herald.edge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The {@code /herald-client.js} the edge serves is the npm package's source, byte for byte: the build copies
 * {@code clients/js/src/herald-client.js} into the edge's static resources, and nothing else may provide that file.
 */
class ServedClientFileTest {

    @Test
    void theServedClientIsThePackagesSource() throws IOException {
        Path source = Path.of(System.getProperty("herald.root", "..")).resolve("clients/js/src/herald-client.js");
        try (InputStream served = getClass().getClassLoader().getResourceAsStream("static/herald-client.js")) {
            assertThat(served).as("static/herald-client.js on the edge's class path").isNotNull();
            assertThat(served.readAllBytes()).isEqualTo(Files.readAllBytes(source));
        }
    }
}
