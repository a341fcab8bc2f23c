package io.herald.ingest.management;

import static io.herald.ingest.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Health and metrics are served on the management port only; the API port has nothing of the actuator but the
 * bare status load balancers probe.
 */
@TestPropertySource(properties = "herald.kafka.topic=management-test.notifications")
class ManagementPortTest extends IngestTest {

    @Test
    void theManagementPortServesHealthAndPrometheus() {
        assertThat(managementPort).isNotEqualTo(port);
        HttpResponse<String> health = management().send("GET", "/actuator/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(Http.json(health).get("status").stringValue()).isEqualTo("UP");
        HttpResponse<String> prometheus = management().send("GET", "/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void theApiPortAnswersProbesWithTheStatusAlone() {
        for (String path : new String[] {"/livez", "/readyz"}) {
            HttpResponse<String> probe = http().send("GET", path);
            assertThat(probe.statusCode()).as(path).isEqualTo(200);
            assertThat(Http.json(probe).propertyNames()).as(probe.body()).containsExactly("status");
            assertThat(Http.json(probe).get("status").stringValue()).isEqualTo("UP");
        }
    }

    @Test
    void theApiPortAnswersNotFoundForTheActuator() {
        for (String path : new String[] {"/actuator", "/actuator/health", "/actuator/health/liveness",
                "/actuator/prometheus", "/actuator/metrics", "/actuator/env"}) {
            assertProblem(http().send("GET", path), 404, "not-found");
        }
    }
}
