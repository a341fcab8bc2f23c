package io.herald.ingest.auth;

import static io.herald.ingest.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Keys from configuration, stored as SHA-256; each publishes only to its namespaces. */
@TestPropertySource(properties = {"herald.kafka.topic=" + ApiKeyTest.TOPIC,
        "herald.ingest.auth.enabled=true",
        "herald.ingest.auth.keys[0].name=orders",
        "herald.ingest.auth.keys[0].sha256=" + ApiKeyTest.ORDERS_HASH,
        "herald.ingest.auth.keys[0].namespaces=topic",
        "herald.ingest.auth.keys[1].name=admin",
        "herald.ingest.auth.keys[1].sha256=" + ApiKeyTest.ADMIN_HASH,
        "herald.ingest.auth.keys[1].namespaces=*"})
class ApiKeyTest extends IngestTest {

    static final String TOPIC = "auth-test.notifications";
    // printf %s orders-secret | sha256sum; the admin key's hash is given in upper case, which is accepted too
    static final String ORDERS_HASH = "363838865d67245f6045a510d660614ae477cd64df9f55f5c068b20a1536949a";
    static final String ADMIN_HASH = "16175223C8DDCE5ACE0493C948569C211B03C4C6BB3D3E484434999448CFFE01";

    private static final String ORDERS = "Bearer orders-secret";
    private static final String ADMIN = "Bearer admin-secret";
    private static final String TOPIC_BODY = "{\"channel\":\"topic:orders\",\"type\":\"t\",\"data\":{}}";
    private static final String USER_BODY = "{\"channel\":\"user:7\",\"type\":\"t\",\"data\":{}}";

    @Test
    void aMissingOrUnknownKeyGets401() {
        HttpResponse<String> missing = http().postJson("/v1/notifications", TOPIC_BODY);
        HttpResponse<String> unknown = http().postJson("/v1/notifications", TOPIC_BODY, "Authorization", "Bearer guessed");
        HttpResponse<String> wrongScheme = http().postJson("/v1/notifications", TOPIC_BODY, "Authorization", "Basic b3JkZXJz");
        HttpResponse<String> batch = http().postJson("/v1/notifications/batch", "{\"notifications\":[" + TOPIC_BODY + "]}");

        for (HttpResponse<String> response : new HttpResponse[] {missing, unknown, wrongScheme, batch}) {
            assertProblem(response, 401, "unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
        assertThat(records(TOPIC)).isEmpty();
    }

    @Test
    void aKeyPublishesOnlyToItsNamespaces() {
        HttpResponse<String> allowed = http().postJson("/v1/notifications", TOPIC_BODY, "Authorization", ORDERS);
        HttpResponse<String> forbidden = http().postJson("/v1/notifications", USER_BODY, "Authorization", ORDERS);
        HttpResponse<String> fanOut = http().postJson("/v1/notifications",
                "{\"recipients\":[\"7\"],\"type\":\"t\",\"data\":{}}", "Authorization", ORDERS);
        HttpResponse<String> everywhere = http().postJson("/v1/notifications", USER_BODY, "Authorization", ADMIN);

        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(202);
        assertThat(assertProblem(forbidden, 403, "forbidden-namespace").get("field").stringValue()).isEqualTo("/channel");
        assertThat(assertProblem(fanOut, 403, "forbidden-namespace").get("field").stringValue()).isEqualTo("/recipients");
        assertThat(everywhere.statusCode()).as(everywhere.body()).isEqualTo(202);
        assertThat(records(TOPIC, "topic:orders")).hasSize(1);
        assertThat(records(TOPIC, "user:7")).as("only the admin key's").hasSize(1);
    }

    @Test
    void aBatchRefusesOnlyTheItemsOutsideTheKeysNamespaces() {
        HttpResponse<String> response = http().postJson("/v1/notifications/batch",
                "{\"notifications\":[{\"channel\":\"topic:batch\",\"type\":\"t\",\"data\":{}},"
                        + "{\"channel\":\"user:batch\",\"type\":\"t\",\"data\":{}}]}", "Authorization", ORDERS);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode results = Http.json(response).get("results");
        assertThat(results.get(0).get("status").intValue()).isEqualTo(202);
        assertThat(results.get(1).get("status").intValue()).isEqualTo(403);
        assertThat(results.get(1).get("problem").get("type").stringValue()).endsWith("/forbidden-namespace");
        assertThat(results.get(1).get("problem").get("field").stringValue()).isEqualTo("/notifications/1/channel");
        assertThat(records(TOPIC, "topic:batch")).hasSize(1);
        assertThat(records(TOPIC, "user:batch")).isEmpty();
    }
}
