package io.herald.core.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResumeTokenTest {

    @Test
    void roundTripsAsBase64UrlJson() {
        Map<ChannelName, Position> positions = new LinkedHashMap<>();
        positions.put(ChannelName.parse("user:42"), Position.ofOffset(17));
        positions.put(ChannelName.parse("topic:orders"), Position.NONE);
        ResumeToken token = new ResumeToken(positions);
        String encoded = token.encode();
        assertThat(encoded).doesNotContain("=", "+", "/");
        assertThat(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8))
                .isEqualTo("{\"user:42\":\"17-1\",\"topic:orders\":\"0-0\"}");
        assertThat(ResumeToken.decode(encoded)).isEqualTo(token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "!!!", "W10", "eyJ1c2VyOjQyIjoxN30", "eyJ1c2VyIjoiMS0xIn0", "eyJ1c2VyOjEiOiJ4In0"})
    void refusesTokensItCannotRead(String token) {
        // W10 = [], eyJ1c2VyOjQyIjoxN30 = {"user:42":17}, eyJ1c2VyIjoiMS0xIn0 = {"user":"1-1"}, {"user:1":"x"}
        assertThatThrownBy(() -> ResumeToken.decode(token)).isInstanceOf(InvalidResumeTokenException.class);
    }
}
