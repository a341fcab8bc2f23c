package io.herald.ingest.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;

/** Checks an answer is an RFC 9457 problem of the expected status and Herald type, with no internals in it. */
public final class ProblemAssertions {

    public static final String TYPE_BASE = "https://herald.io/problems/";

    private ProblemAssertions() {
    }

    public static JsonNode assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Http.contentType(response)).isEqualTo("application/problem+json");
        assertNoInternals(response);
        JsonNode problem = Http.json(response);
        assertThat(problem.get("type").stringValue()).isEqualTo(TYPE_BASE + type);
        assertThat(problem.get("status").intValue()).isEqualTo(status);
        assertThat(problem.get("title").stringValue()).isNotBlank();
        return problem;
    }

    public static void assertNoInternals(HttpResponse<String> response) {
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("trace");
    }
}
