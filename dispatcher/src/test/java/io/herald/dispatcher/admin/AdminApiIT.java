package io.herald.dispatcher.admin;

import static io.herald.dispatcher.support.RunningDispatcher.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.support.AdminApi;
import io.herald.dispatcher.support.RunningDispatcher;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin HTTP API of a running dispatcher on a real broker and redis-server: the token guard, the routes
 * backing heraldctl's operations, restore and replay as jobs, and problem+json for every error.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {

    private static final String TOKEN = "admin-api-it-token";

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private KafkaBroker kafka;
    private RedisServer redis;
    private RunningDispatcher dispatcher;
    private AdminApi admin;

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
        dispatcher = RunningDispatcher.start("admin-api", kafka, redis, "--herald.dispatcher.admin.token=" + TOKEN,
                "--herald.dispatcher.lag.refresh=200ms");
        kafka.createTopic(dispatcher.topic + ".DLT", RunningDispatcher.PARTITIONS);
        admin = new AdminApi(dispatcher, TOKEN);
    }

    @AfterAll
    void stop() {
        dispatcher.close();
    }

    @Test
    void withoutTheTokenEveryRouteIsRefusedWithAProblem() throws Exception {
        HttpResponse<String> none = send("GET", "/admin/status", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json.readTree(none.body()).path("detail").asString()).contains("Authorization: Bearer");

        HttpResponse<String> wrong = send("POST", "/admin/restore", "{\"since\":\"0\"}", "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json.readTree(wrong.body()).path("detail").asString()).isEqualTo("the admin token is not valid");
    }

    @Test
    void statusAndChannelShowLagHealthAndAChannelsState() throws Exception {
        String channel = "user:admin-status";
        RecordMetadata first = dispatcher.send(channel, envelope("status-1", channel, 1));
        RecordMetadata second = dispatcher.send(channel, envelope("status-2", channel, 2));
        dispatcher.awaitCaughtUp();

        JsonNode status = ok(send("GET", "/admin/status", null, TOKEN));
        assertThat(status.at("/redis/up").asBoolean()).isTrue();
        assertThat(status.at("/kafka/up").asBoolean()).isTrue();
        assertThat(status.at("/lag/group").asString()).isEqualTo(dispatcher.groupId);
        // one consumer per partition: dispatcher.yml's default listener concurrency
        assertThat(status.at("/lag/members").asInt()).isEqualTo(RunningDispatcher.PARTITIONS);
        assertThat(status.at("/lag/partitions")).hasSize(RunningDispatcher.PARTITIONS);
        assertThat(status.at("/lag/total").asLong()).isZero();
        assertThat(status.at("/deadLettersTotal").asLong()).isZero();

        JsonNode info = ok(send("GET", "/admin/channels/" + channel, null, TOKEN));
        assertThat(info.path("last").asString()).isEqualTo(second.offset() + "-1");
        assertThat(info.path("partition").asInt()).isEqualTo(first.partition());
        assertThat(info.path("logLength").asLong()).isEqualTo(2);
        assertThat(info.at("/first/id").asString()).isEqualTo(first.offset() + "-1");
        assertThat(info.at("/first/envelope").asString()).isEqualTo("status-1");
        assertThat(info.at("/newest/prev").asString()).isEqualTo(first.offset() + "-1");
        assertThat(info.at("/retention/maxLen").asInt()).isEqualTo(1000);
        assertThat(info.path("subscriberNodes").asLong()).isZero();

        HttpResponse<String> bad = send("GET", "/admin/channels/not-a-channel", null, TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(bad.body()).path("detail").asString()).contains("<namespace>:<name>");
    }

    @Test
    void restoreAndReplayRunAsJobsThatReportWhenDone() throws Exception {
        String channel = "topic:admin-jobs";
        dispatcher.send(channel, envelope("job-1", channel, 1));
        dispatcher.send(channel, envelope("job-2", channel, 2));
        dispatcher.awaitCaughtUp();
        dispatcher.redis.sync().del(RedisKeys.log(ChannelName.parse(channel)), RedisKeys.meta(ChannelName.parse(channel)));

        HttpResponse<String> submitted = send("POST", "/admin/restore",
                "{\"since\":\"0\",\"channel\":\"" + channel + "\"}", TOKEN);
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = json.readTree(submitted.body()).path("id").asString();
        assertThat(submitted.headers().firstValue("Location")).hasValue("/admin/jobs/" + id);
        JsonNode job = admin.awaitJob(id);
        assertThat(job.path("state").asString()).isEqualTo("succeeded");
        assertThat(job.path("kind").asString()).isEqualTo("restore");
        assertThat(job.at("/report/restored").asLong()).isEqualTo(2);
        assertThat(dispatcher.log(channel)).hasSize(2);

        HttpResponse<String> replay = send("POST", "/admin/replay",
                "{\"channel\":\"" + channel + "\",\"since\":\"0\",\"dryRun\":true}", TOKEN);
        assertThat(replay.statusCode()).isEqualTo(202);
        JsonNode replayJob = admin.awaitJob(json.readTree(replay.body()).path("id").asString());
        assertThat(replayJob.at("/report/published").asLong()).isEqualTo(2);
        assertThat(replayJob.at("/report/dryRun").asBoolean()).isTrue();

        assertThat(ok(send("GET", "/admin/jobs", null, TOKEN)).size()).isGreaterThanOrEqualTo(2);
        assertThat(send("GET", "/admin/jobs/no-such-job", null, TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void badRequestsGetAProblemThatSaysWhatIsWrong() throws Exception {
        assertProblem(send("POST", "/admin/restore", "{\"since\":\"yesterday\"}", TOKEN), 400, "ISO-8601");
        assertProblem(send("POST", "/admin/restore", "{}", TOKEN), 400, "since is required");
        assertProblem(send("POST", "/admin/restore", "{not json", TOKEN), 400, null);
        assertProblem(send("POST", "/admin/replay", "{\"channel\":\"user:a\",\"user\":\"a\",\"since\":\"1h\"}", TOKEN), 400,
                "exactly one of channel and user");
        assertProblem(send("POST", "/admin/dlt/redrive", "{\"all\":true,\"records\":[\"1\"]}", TOKEN), 400, "not both");
        assertProblem(send("POST", "/admin/dlt/redrive", "{\"records\":[\"x:y\"]}", TOKEN), 400, "<partition>:<offset>");
        assertProblem(send("GET", "/admin/dlt/12345", null, TOKEN), 404, "no dead letter at 12345");
        assertProblem(send("GET", "/admin/no-such-route", null, TOKEN), 404, null);
        JsonNode letters = ok(send("GET", "/admin/dlt?limit=5", null, TOKEN));
        assertThat(letters.isArray()).isTrue();
    }

    @Test
    void withNoTokenConfiguredTheAdminApiIsDisabled() throws Exception {
        try (RunningDispatcher disabled = RunningDispatcher.start("admin-disabled", kafka, redis)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + disabled.port() + "/admin/status"))
                    .header("Authorization", "Bearer anything").build(), HttpResponse.BodyHandlers.ofString());
            assertProblem(response, 503, "herald.dispatcher.admin.token");
        }
    }

    private void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.herald");
        if (detail != null) {
            assertThat(problem.path("detail").asString()).contains(detail);
        }
    }

    private JsonNode ok(HttpResponse<String> response) {
        return admin.ok(response);
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        return admin.send(method, path, body, token);
    }
}
