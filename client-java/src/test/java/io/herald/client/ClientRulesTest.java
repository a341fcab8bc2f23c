package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.client.position.InMemoryPositionStore;
import io.herald.client.support.Inbox;
import io.herald.client.support.RecordingMetrics;
import io.herald.client.support.ScriptedTransport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's own rules with a scripted server: duplicates, close codes that stop it, rotation, resume frames. */
class ClientRulesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final URI A = URI.create("ws://a.test/ws");
    private static final URI B = URI.create("ws://b.test/ws");

    private final ScriptedTransport transport = new ScriptedTransport();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final List<HeraldError> errors = new CopyOnWriteArrayList<>();

    private HeraldClient client() {
        return HeraldClient.builder().edges(List.of(A, B)).token(() -> "t0k3n").transport(transport).metrics(metrics)
                .onError(errors::add).backoff(Duration.ofMillis(1), Duration.ofMillis(10)).drainDelay(Duration.ofMillis(10))
                .build();
    }

    private ScriptedTransport.Session awaitSession(int count) {
        await().atMost(WAIT).until(() -> transport.sessions().size() >= count);
        ScriptedTransport.Session session = transport.sessions().get(count - 1);
        session.serverSends("{\"op\":\"welcome\",\"node\":\"n" + count + "\",\"session\":\"s\"}");
        return session;
    }

    @Test
    void aPositionAtOrBeforeTheLastDeliveredIsDroppedEvenWhenTheServerSendsItAgain() {
        Inbox inbox = new Inbox();
        try (HeraldClient client = client()) {
            client.subscribe("user:1", inbox);
            client.connect();
            ScriptedTransport.Session session = awaitSession(1);
            session.serverSends(message("user:1", "10-1", 1));
            session.serverSends(message("user:1", "12-1", 2));
            session.serverSends(message("user:1", "12-1", 2));      // again
            session.serverSends(message("user:1", "11-1", 99));     // older
            session.serverSends(message("user:1", "9223372036854775806-1", 3)); // beyond 2^53: compared exactly
            session.serverSends(message("user:1", "100000000000000000-1", 98));

            assertThat(inbox.numbers()).containsExactly(1, 2, 3);
            assertThat(metrics.duplicates()).isEqualTo(3);
            assertThat(client.position("user:1")).contains("9223372036854775806-1");
        }
    }

    @Test
    void afterADropItResumesOnTheNextEdgeWithTheLastPositionsAndTheTokenInTheHeader() {
        Inbox first = new Inbox();
        Inbox second = new Inbox();
        try (HeraldClient client = client()) {
            client.subscribe("user:1", first);
            client.subscribe("user:2", second);
            client.connect();
            ScriptedTransport.Session session = awaitSession(1);
            assertThat(session.sent()).containsExactly("{\"op\":\"subscribe\",\"channel\":\"user:1\"}",
                    "{\"op\":\"subscribe\",\"channel\":\"user:2\"}");
            session.serverSends(message("user:1", "10-1", 1));
            session.serverCloses(1006, "");

            ScriptedTransport.Session next = awaitSession(2);
            assertThat(transport.sessions()).extracting(ScriptedTransport.Session::uri).containsExactly(A, B);
            assertThat(next.headers()).containsEntry("Authorization", "Bearer t0k3n");
            // user:2 has no position yet: a plain subscribe; user:1 resumes after 10-1
            assertThat(next.sent()).hasSize(2);
            assertThat(next.sent().get(0)).isEqualTo("{\"op\":\"subscribe\",\"channel\":\"user:2\"}");
            String token = next.sent().get(1).replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
            assertThat(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8))
                    .isEqualTo("{\"user:1\":\"10-1\"}");
            assertThat(metrics.disconnected()).containsExactly(1006);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1003, 1008, 4003, 4009})
    void closeCodesThatForbidReconnectingStopTheClient(int code) {
        try (HeraldClient client = client()) {
            client.subscribe("user:1", new Inbox());
            client.connect();
            awaitSession(1).serverCloses(code, "limit");

            await().atMost(WAIT).until(() -> client.state() == ConnectionState.CLOSED);
            assertThat(errors).extracting(HeraldError::closeCode).containsExactly(code);
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> transport.sessions().size() == 1);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1006, 1009, 1011, 1012, 4000, 4008})
    void otherCloseCodesReconnectAndResume(int code) {
        try (HeraldClient client = client()) {
            client.subscribe("user:1", new Inbox());
            client.connect();
            ScriptedTransport.Session session = awaitSession(1);
            session.serverSends(message("user:1", "5-1", 1));
            session.serverCloses(code, "");

            ScriptedTransport.Session next = awaitSession(2);
            await().atMost(WAIT).until(() -> next.sent().stream().anyMatch(frame -> frame.contains("\"op\":\"resume\"")));
            assertThat(client.state()).isEqualTo(ConnectionState.OPEN);
        }
    }

    @Test
    void unavailableIsRetriedWithItsPositionButForbiddenIsGivenUp() {
        Inbox retried = new Inbox();
        Inbox refused = new Inbox();
        try (HeraldClient client = client()) {
            client.subscribe("user:1", retried);
            client.subscribe("user:2", refused);
            client.connect();
            ScriptedTransport.Session session = awaitSession(1);
            session.serverSends("{\"op\":\"subscribed\",\"channel\":\"user:1\",\"recovered\":true,\"replayed\":0,\"position\":\"7-1\"}");
            session.serverSends("{\"op\":\"error\",\"code\":\"unavailable\",\"message\":\"redis\",\"channel\":\"user:1\"}");
            session.serverSends("{\"op\":\"error\",\"code\":\"forbidden\",\"message\":\"no\",\"channel\":\"user:2\"}");

            await().atMost(WAIT).until(() -> session.sent().contains("{\"op\":\"subscribe\",\"channel\":\"user:1\",\"since\":\"7-1\"}"));
            assertThat(refused.errors()).extracting(HeraldError::code).containsExactly("forbidden");
            assertThat(retried.errors()).isEmpty();
            await().during(Duration.ofMillis(300)).atMost(WAIT)
                    .until(() -> session.sent().stream().filter(frame -> frame.contains("user:2")).count() == 1);
        }
    }

    @Test
    void aConnectionThatGoesSilentIsPingedThenDroppedAndReplaced() {
        try (HeraldClient client = HeraldClient.builder().edges(List.of(A, B)).transport(transport).metrics(metrics)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(10))
                .heartbeat(Duration.ofMillis(200), Duration.ofMillis(300)).build()) {
            client.subscribe("user:1", new Inbox());
            client.connect();
            ScriptedTransport.Session silent = awaitSession(1);

            await().atMost(WAIT).until(() -> silent.sent().contains("{\"op\":\"ping\"}"));
            awaitSession(2);
            assertThat(metrics.disconnected()).containsExactly(HeraldClient.HEARTBEAT_TIMEOUT);
            assertThat(transport.sessions()).extracting(ScriptedTransport.Session::uri).containsExactly(A, B);
        }
    }

    @Test
    void aConnectionThatAnswersThePingIsKept() {
        try (HeraldClient client = HeraldClient.builder().edge(A).transport(transport).metrics(metrics)
                .heartbeat(Duration.ofMillis(100), Duration.ofSeconds(3)).build()) {
            client.subscribe("user:1", new Inbox());
            client.connect();
            ScriptedTransport.Session session = awaitSession(1);
            for (int pongs = 0; pongs < 3; pongs++) {
                int expected = pongs + 1;
                await().atMost(WAIT).until(() -> session.sent().stream().filter(f -> f.contains("ping")).count() >= expected);
                session.serverSends("{\"op\":\"pong\"}");
            }
            assertThat(transport.sessions()).hasSize(1);
            assertThat(metrics.disconnected()).isEmpty();
        }
    }

    @Test
    void aTokenRefusedAtTheUpgradeIsReplacedFromTheSupplierAndTheClientStopsAfterThreeRefusals() {
        AtomicInteger supplied = new AtomicInteger();
        transport.refuseWith(401);
        try (HeraldClient client = HeraldClient.builder().edges(List.of(A, B)).transport(transport).onError(errors::add)
                .token(() -> "token-" + supplied.incrementAndGet()).backoff(Duration.ofMillis(1), Duration.ofMillis(10))
                .build()) {
            client.connect();

            await().atMost(WAIT).until(() -> client.state() == ConnectionState.CLOSED);
            assertThat(supplied.get()).isEqualTo(3);
            assertThat(transport.refused()).containsExactly(A, B, A);
            assertThat(errors).extracting(HeraldError::code).containsExactly("unauthorized");
        }
    }

    @Test
    void anOverloadedEdgeIsRetriedWithBackoffNotGivenUp() {
        transport.refuseWith(503);
        try (HeraldClient client = client()) {
            client.subscribe("user:1", new Inbox());
            client.connect();
            await().atMost(WAIT).until(() -> transport.refused().size() >= 5);
            transport.refuseWith(0);

            awaitSession(1);
            await().atMost(WAIT).until(() -> client.state() == ConnectionState.OPEN);
            assertThat(errors).isEmpty();
        }
    }

    @Test
    void aResumeTokenTheEdgeCannotReadIsFollowedByOneSubscribePerChannel() {
        try (HeraldClient client = client()) {
            client.subscribe("user:1", new Inbox());
            client.connect();
            ScriptedTransport.Session session = awaitSession(1);
            session.serverSends(message("user:1", "5-1", 1));
            session.serverCloses(1006, "");
            ScriptedTransport.Session next = awaitSession(2);
            await().atMost(WAIT).until(() -> next.sent().size() == 1);
            next.serverSends("{\"op\":\"error\",\"code\":\"invalid-token\",\"message\":\"unreadable\"}");

            await().atMost(WAIT).until(() -> next.sent().contains("{\"op\":\"subscribe\",\"channel\":\"user:1\",\"since\":\"5-1\"}"));
        }
    }

    @Test
    void anInvalidPositionIsAResetThenTheChannelStartsAgainWithoutOne() {
        InMemoryPositionStore store = new InMemoryPositionStore();
        store.put("user:1", "5-1");
        Inbox inbox = new Inbox();
        try (HeraldClient client = HeraldClient.builder().edge(A).token(() -> "t0k3n").transport(transport)
                .positions(store).metrics(metrics).onError(errors::add).build()) {
            client.subscribe("user:1", inbox);
            client.connect();
            ScriptedTransport.Session session = awaitSession(1);
            await().atMost(WAIT).until(() -> session.sent().size() == 1);
            session.serverSends("{\"op\":\"error\",\"code\":\"invalid-position\",\"message\":\"bad\",\"channel\":\"user:1\"}");

            // protocol section 5: handled like a reset, then subscribed again without since
            await().atMost(WAIT).until(() -> session.sent().size() == 2);
            assertThat(session.sent().get(1)).isEqualTo("{\"op\":\"subscribe\",\"channel\":\"user:1\"}");
            assertThat(inbox.resets()).hasSize(1);
            assertThat(metrics.resets()).isEqualTo(1);
            assertThat(store.get("user:1")).isEmpty();
            session.serverSends("{\"op\":\"subscribed\",\"channel\":\"user:1\",\"recovered\":true,\"replayed\":0,\"position\":\"3-1\"}");
            session.serverSends(message("user:1", "4-1", 7));
            assertThat(inbox.numbers()).containsExactly(7);
            assertThat(inbox.errors()).isEmpty();
        }
    }

    private static String message(String channel, String position, int n) {
        return "{\"op\":\"message\",\"channel\":\"" + channel + "\",\"id\":\"" + position + "\",\"n\":{\"id\":\"x\",\"channel\":\""
                + channel + "\",\"type\":\"t\",\"data\":{\"n\":" + n + "},\"createdAt\":1,\"expiresAt\":null}}";
    }
}
