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
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "{\"id\":\"12-1\"}", "{\"id\":\"x\",\"prev\":\"0-0\",\"n\":{}}", "{\"prev\":\"0-0\",\"id\":\"1-1\",\"n\":{}}"})
    void refusesOtherPayloads(String payload) {
        assertThatThrownBy(() -> LiveMessage.parse(payload)).isInstanceOf(IllegalArgumentException.class);
    }
}
