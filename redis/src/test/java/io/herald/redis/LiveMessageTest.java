package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.position.Position;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LiveMessageTest {

    @Test
    void parsesWhatTheApplyScriptPublishes() {
        String payload = "{\"id\":\"12-1\",\"prev\":\"0-0\",\"n\":{\"id\":\"a\",\"data\":{\"k\":\"}\"}}}";
        LiveMessage message = LiveMessage.parse(payload);
        assertThat(message.id()).isEqualTo(Position.ofOffset(12));
        assertThat(message.prev()).isEqualTo(Position.NONE);
        assertThat(message.envelopeJson()).isEqualTo("{\"id\":\"a\",\"data\":{\"k\":\"}\"}}");
        assertThat(message.format()).isEqualTo(payload);
        assertThat(message.replay()).isFalse();
    }

    @Test
    void parsesAndFormatsAReplayFlaggedPayload() {
        String payload = "{\"replay\":true,\"id\":\"12-1\",\"prev\":\"7-1\",\"n\":{\"id\":\"a\",\"data\":{\"replay\":true}}}";
        LiveMessage message = LiveMessage.parse(payload);
        assertThat(message.replay()).isTrue();
        assertThat(message.id()).isEqualTo(Position.ofOffset(12));
        assertThat(message.prev()).isEqualTo(Position.ofOffset(7));
        assertThat(message.envelopeJson()).isEqualTo("{\"id\":\"a\",\"data\":{\"replay\":true}}");
        assertThat(message.format()).isEqualTo(payload);
    }

    @Test
    void asReplayKeepsEverythingButTheFlag() {
        LiveMessage plain = new LiveMessage(Position.ofOffset(3), Position.NONE, "{\"k\":1}");
        LiveMessage replay = plain.asReplay();
        assertThat(replay).isEqualTo(new LiveMessage(Position.ofOffset(3), Position.NONE, "{\"k\":1}", true));
        assertThat(replay.format()).isEqualTo("{\"replay\":true,\"id\":\"3-1\",\"prev\":\"0-0\",\"n\":{\"k\":1}}");
        assertThat(LiveMessage.parse(replay.format())).isEqualTo(replay);
        assertThat(LiveMessage.parse(plain.format())).isEqualTo(plain);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "{\"id\":\"12-1\"}", "{\"id\":\"x\",\"prev\":\"0-0\",\"n\":{}}", "{\"prev\":\"0-0\",\"id\":\"1-1\",\"n\":{}}",
            "{\"replay\":false,\"id\":\"1-1\",\"prev\":\"0-0\",\"n\":{}}", "{\"replay\":true,\"prev\":\"0-0\",\"n\":{}}",
            "{\"replay\":true,}", "{\"replay\":true,\"id\":\"1-1\",\"prev\":\"0-0\"}"})
    void refusesOtherPayloads(String payload) {
        assertThatThrownBy(() -> LiveMessage.parse(payload)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void continuesACursorAtOrAfterItsPrevAndBeforeItself() {
        LiveMessage entry = new LiveMessage(Position.ofOffset(20), Position.ofOffset(10), "{}");
        assertThat(entry.continues(Position.ofOffset(10))).isTrue();
        assertThat(entry.continues(Position.ofOffset(15))).as("a baseline between prev and id").isTrue();
        assertThat(entry.continues(Position.ofOffset(19))).isTrue();
    }

    @Test
    void doesNotContinueACursorBeforeItsPrevNorOneAtOrAfterItself() {
        LiveMessage entry = new LiveMessage(Position.ofOffset(20), Position.ofOffset(10), "{}");
        assertThat(entry.continues(Position.ofOffset(9))).as("prev was never delivered: a gap").isFalse();
        assertThat(entry.continues(Position.NONE)).isFalse();
        assertThat(entry.continues(Position.ofOffset(20))).as("already delivered").isFalse();
        assertThat(entry.continues(Position.ofOffset(25))).isFalse();
    }

    @Test
    void aPrevOfNoneContinuesOnlyNoneSinceRedisMayHaveLostWhatCameBefore() {
        LiveMessage first = new LiveMessage(Position.ofOffset(20), Position.NONE, "{}");
        assertThat(first.continues(Position.NONE)).isTrue();
        assertThat(first.continues(Position.ofOffset(5))).isFalse();
        assertThat(first.continues(Position.ofOffset(19))).isFalse();
    }

    @Test
    void liveAPrevOfNoneContinuesAnyEarlierPositionAndOtherwiseTheSameRule() {
        LiveMessage first = new LiveMessage(Position.ofOffset(20), Position.NONE, "{}");
        assertThat(first.continuesLive(Position.ofOffset(5))).as("a live subscription saw all after 5").isTrue();
        assertThat(first.continuesLive(Position.NONE)).isTrue();
        assertThat(first.continuesLive(Position.ofOffset(20))).as("already delivered").isFalse();
        LiveMessage next = new LiveMessage(Position.ofOffset(30), Position.ofOffset(20), "{}");
        assertThat(next.continuesLive(Position.ofOffset(20))).isTrue();
        assertThat(next.continuesLive(Position.ofOffset(19))).as("prev was never delivered: a gap").isFalse();
    }
}
