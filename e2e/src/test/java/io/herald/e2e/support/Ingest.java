package io.herald.e2e.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A producer service: posts notifications to the ingest API over HTTP, with {@link Systems#PRODUCER_KEY}. */
public final class Ingest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public Ingest(URI base) {
        this.base = base;
    }

    /** Posts {@code {"channel":..., "type":"e2e", "data":{"n":n}}} and returns the accepted position. */
    public String post(String channel, int n) {
        String body = "{\"channel\":\"" + channel + "\",\"type\":\"e2e\",\"data\":{\"n\":" + n + "}}";
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/notifications"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Systems.PRODUCER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new AssertionError("ingest answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode accepted = MAPPER.readTree(response.body());
            return accepted.path("position").asString();
        } catch (IOException e) {
            throw new AssertionError("ingest unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
