package io.herald.ingest.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.yaml.snakeyaml.Yaml;

@TestPropertySource(properties = "herald.kafka.topic=openapi-test.notifications")
class OpenApiControllerTest extends IngestTest {

    @Test
    @SuppressWarnings("unchecked")
    void servesTheOpenApiDocumentThatIsCheckedIntoDocs() throws Exception {
        HttpResponse<String> served = http().send("GET", "/openapi.yaml");

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(Http.contentType(served)).isEqualTo("application/yaml");
        assertThat(served.body()).as("docs/openapi-ingest.yaml must be a copy of the served document")
                .isEqualTo(Files.readString(Path.of("../docs/openapi-ingest.yaml")));
        Map<String, Object> document = new Yaml().load(served.body());
        assertThat(document).containsEntry("openapi", "3.1.0");
        assertThat((Map<String, Object>) document.get("paths")).containsOnlyKeys("/v1/notifications", "/v1/notifications/batch");
    }
}
