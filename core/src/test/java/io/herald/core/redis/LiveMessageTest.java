package io.herald.core.redis;

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
}
