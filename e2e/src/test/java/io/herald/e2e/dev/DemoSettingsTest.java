package io.herald.e2e.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.HeraldSystem.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSettingsTest {

    private static final String SECRET = "ab".repeat(32);

    @Test
    void theEdgeGetsItsSecretFromAnOwnerOnlyFileNotFromItsCommandLine(@TempDir Path root) throws IOException {
        HeraldSystem.Settings settings = new DemoSettings(SECRET, 8081).applyTo(plain(root));

        List<String> edgeArgs = settings.extraArgs().get(Service.EDGE);
        assertThat(String.join(" ", settings.extraArgs().values().stream().flatMap(List::stream).toList())).doesNotContain(SECRET);
        Path file = root.resolve("work").resolve(DemoSettings.EDGE_SECRET_FILE).toAbsolutePath();
        assertThat(edgeArgs).contains("--spring.config.additional-location=file:" + file, "--herald.edge.auth.dev-tokens=true");
        Properties properties = new Properties();
        try (var in = Files.newInputStream(file)) {
            properties.load(in);
        }
        assertThat(properties.getProperty("herald.edge.auth.hs256-secret")).isEqualTo(SECRET);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void ingestLetsTheDemoPageAndTheDevelopersFrontEndsPost(@TempDir Path root) {
        HeraldSystem.Settings settings = new DemoSettings(SECRET, 8081, List.of("http://localhost:5173")).applyTo(plain(root));

        assertThat(settings.extraArgs().get(Service.INGEST)).contains(
                "--herald.ingest.cors.allowed-origins=http://127.0.0.1:8081,http://localhost:8081,http://localhost:5173");
    }

    private static HeraldSystem.Settings plain(Path root) {
        return new HeraldSystem.Settings(root, root.resolve("work"), 0, 8080, 8082, List.of(8081), "herald.notifications", 3);
    }
}
