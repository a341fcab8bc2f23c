package io.herald.dispatcher.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A running dispatcher's admin HTTP API, as heraldctl's {@code --via-dispatcher} calls it. */
public final class AdminApi {

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final RunningDispatcher dispatcher;
    private final String token;

    public AdminApi(RunningDispatcher dispatcher, String token) {
        this.dispatcher = dispatcher;
        this.token = token;
    }

    /** One request; {@code token} null sends no Authorization header. */
    public HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dispatcher.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with the admin token that must answer 200; its body. */
    public JsonNode ok(String method, String path, String body) throws Exception {
        return ok(send(method, path, body, token));
    }

    public JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** Submits a job (restore, replay) with the admin token and waits until it is no longer running. */
    public JsonNode runJob(String path, String body) throws Exception {
        HttpResponse<String> submitted = send("POST", path, body, token);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        return awaitJob(json.readTree(submitted.body()).path("id").asString());
    }

    public JsonNode awaitJob(String id) {
        JsonNode[] job = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            job[0] = ok(send("GET", "/admin/jobs/" + id, null, token));
            return !"running".equals(job[0].path("state").asString());
        });
        return job[0];
    }

    public JsonNode json(String body) {
        return json.readTree(body);
    }
}
