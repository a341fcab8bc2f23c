package io.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.e2e.support.Frames;
import io.herald.e2e.support.Ingest;
import io.herald.e2e.support.SharedSystem;
import io.herald.e2e.support.Systems;
import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.ws.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The walking skeleton, end to end on real processes: a client subscribed on edge A receives about half of
 * 100 notifications posted to ingest, drops, and resumes on edge B from its last ID. Counted from the raw
 * frames of both connections, it has every notification exactly once and in order.
 */
@ExtendWith(SharedSystem.class)
@Order(SharedSystem.ORDER)
class ResumeAcrossEdgesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static HeraldSystem system;

    /** The run's default system, shared with the fault suite (its channel, user:42, is this class's own). */
    @BeforeAll
    static void start(HeraldSystem shared) {
        system = shared;
    }

    @Test
    void aClientThatDropsAndResumesOnAnotherEdgeGetsEveryNotificationOnceAndInOrder() {
        String channel = "user:42";
        Ingest ingest = new Ingest(system.ingestUri());
        List<String> firstFrames;
        try (WsTestClient onA = WsTestClient.connect(Systems.ws(system, 0, "42"))) {
            onA.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            onA.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT);
            IntStream.range(0, 50).forEach(n -> ingest.post(channel, n));
            await().atMost(WAIT).until(() -> Frames.counters(onA.frames(), channel).size() >= 50);
            onA.abort();
            firstFrames = onA.frames();
        }
        IntStream.range(50, 100).forEach(n -> ingest.post(channel, n));

        List<JsonNode> before = Frames.messages(firstFrames, channel);
        String lastId = before.get(before.size() - 1).path("id").asString();
        try (WsTestClient onB = WsTestClient.connect(Systems.ws(system, 1, "42"))) {
            onB.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\"" + lastId + "\"}");
            JsonNode subscribed = Frames.parse(onB.awaitFrame(f -> Frames.is(f, "subscribed", channel), WAIT));
            assertThat(subscribed.path("recovered").asBoolean()).isTrue();
            await().atMost(WAIT).until(() -> Frames.counters(onB.frames(), channel).size() >= 100 - before.size());

            List<Integer> all = new ArrayList<>(Frames.counters(firstFrames, channel));
            all.addAll(Frames.counters(onB.frames(), channel));
            assertThat(all).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
            List<String> ids = new ArrayList<>(before.stream().map(f -> f.path("id").asString()).toList());
            ids.addAll(Frames.messages(onB.frames(), channel).stream().map(f -> f.path("id").asString()).toList());
            assertThat(ids).doesNotHaveDuplicates();
        }
    }
}
