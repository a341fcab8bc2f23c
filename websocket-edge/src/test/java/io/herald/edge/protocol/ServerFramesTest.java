package io.herald.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.edge.delivery.TextFrame;
import io.herald.redis.LiveMessage;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The event stream names and ids its events from what each frame says it is about: that must match the frame. */
class ServerFramesTest {

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final ServerFrames frames = new ServerFrames(mapper);
    private final ChannelName channel = ChannelName.parse("user:42");

    @Test
    void eachFrameSaysWhatItIsAbout() {
        LiveMessage entry = new LiveMessage(Position.ofOffset(7), Position.ofOffset(3),
                "{\"id\":\"a\",\"channel\":\"user:42\",\"type\":\"t\",\"data\":{\"x\":\"\\\"quoted\\\"\"},\"createdAt\":1,\"expiresAt\":null}");

        assertAbout(frames.message(channel, entry), "message", channel, Position.ofOffset(7));
        assertAbout(frames.replay(channel, entry), "message", channel, Position.ofOffset(7));
        assertThat(frames.replay(channel, entry).text()).isEqualTo(frames.message(channel, entry).text()
                .replaceFirst("}$", ",\"replay\":true}"));
        assertAbout(frames.subscribed(channel, true, 2, Position.ofOffset(9)), "subscribed", channel, Position.ofOffset(9));
        assertAbout(frames.reset(channel, "gone"), "reset", channel, null);
        assertAbout(frames.unsubscribed(channel), "unsubscribed", channel, null);
        assertAbout(frames.unavailable(channel, "later"), "error", channel, null);
        assertAbout(frames.error(ErrorCode.FORBIDDEN, "no", null), "error", null, null);
        assertAbout(frames.welcome("edge-a", "s"), "welcome", null, null);
        assertAbout(frames.pong(), "pong", null, null);
        assertAbout(frames.refreshed(null), "refreshed", null, null);
    }

    @Test
    void refreshedCarriesTheNewDeadline() {
        assertThat(frames.refreshed(Instant.ofEpochMilli(1234)).text()).isEqualTo("{\"op\":\"refreshed\",\"expiresAt\":1234}");
        assertThat(frames.refreshed(null).text()).isEqualTo("{\"op\":\"refreshed\",\"expiresAt\":null}");
    }

    /** What the frame says it is about is what its text says. */
    private void assertAbout(TextFrame frame, String op, ChannelName channel, Position position) {
        JsonNode text = mapper.readTree(frame.text());
        assertThat(frame.op()).isEqualTo(op).isEqualTo(text.path("op").asString());
        assertThat(frame.channel()).isEqualTo(channel);
        assertThat(text.path("channel").isMissingNode() ? null : ChannelName.parse(text.path("channel").asString()))
                .isEqualTo(channel);
        assertThat(frame.position()).isEqualTo(position);
        if (position != null) {
            assertThat(text.path("message".equals(op) ? "id" : "position").asString()).isEqualTo(position.toString());
        }
    }
}
