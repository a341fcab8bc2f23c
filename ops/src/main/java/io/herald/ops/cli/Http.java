package io.herald.ops.cli;

import io.herald.engine.EngineException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON over HTTP to the services' management ports and the dispatcher's admin API, bounded by the command's timeout. */
public final class Http {

    /** A reply: status code and JSON body (a missing node when the body is not JSON). */
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem+json {@code detail}, or the status. */
        public String problem() {
            String detail = body.path("detail").asString("");
            return "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final Duration timeout;
    private final String token;

    /** @param token a bearer token sent with every request, or null */
    public Http(Duration timeout, String token) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timeout = timeout;
        this.token = token;
    }

    public Reply get(String base, String path) {
        return send(request(base, path).GET().build(), base);
    }

    public Reply post(String base, String path, Object body) {
        return send(request(base, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(), base);
    }

    private HttpRequest.Builder request(String base, String path) {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path)).timeout(timeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + base + "' is not a URL: " + e.getMessage());
        }
        return token == null || token.isBlank() ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private Reply send(HttpRequest request, String base) {
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body;
            try {
                body = response.body().length == 0 ? JSON.missingNode() : JSON.readTree(response.body());
            } catch (JacksonException e) {
                body = JSON.missingNode();
            }
            return new Reply(response.statusCode(), body);
        } catch (IOException e) {
            throw new EngineException("http: " + base + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while calling " + base);
        }
    }

    public static JsonMapper mapper() {
        return JSON;
    }
}
