package io.herald.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The event stream reads back the frames built here: what each is about must come out as it went in. */
class ServerFramesTest {

    private final ServerFrames frames = new ServerFrames(JsonMapper.builder().build());
    private final ChannelName channel = ChannelName.parse("user:42");

    @Test
    void describesMessagesFromTheirHeadAndOtherFramesByParsing() {
        LiveMessage entry = new LiveMessage(Position.ofOffset(7), Position.ofOffset(3),
                "{\"id\":\"a\",\"channel\":\"user:42\",\"type\":\"t\",\"data\":{\"x\":\"\\\"quoted\\\"\"},\"createdAt\":1,\"expiresAt\":null}");

        ServerFrames.Described message = frames.describe(frames.message(channel, entry));
        assertThat(message).isEqualTo(new ServerFrames.Described("message", channel, Position.ofOffset(7)));
        assertThat(frames.describe(frames.replay(channel, entry)))
                .isEqualTo(new ServerFrames.Described("message", channel, Position.ofOffset(7)));
        assertThat(frames.describe(frames.subscribed(channel, true, 2, Position.ofOffset(9))))
                .isEqualTo(new ServerFrames.Described("subscribed", channel, Position.ofOffset(9)));
        assertThat(frames.describe(frames.reset(channel, "gone")))
                .isEqualTo(new ServerFrames.Described("reset", channel, null));
        assertThat(frames.describe(frames.error(ErrorCode.FORBIDDEN, "no", null)))
                .isEqualTo(new ServerFrames.Described("error", null, null));
        assertThat(frames.describe(frames.welcome("edge-a", "s"))).isEqualTo(new ServerFrames.Described("welcome", null, null));
    }

    @Test
    void refreshedCarriesTheNewDeadline() {
        assertThat(frames.refreshed(Instant.ofEpochMilli(1234))).isEqualTo("{\"op\":\"refreshed\",\"expiresAt\":1234}");
        assertThat(frames.refreshed(null)).isEqualTo("{\"op\":\"refreshed\",\"expiresAt\":null}");
    }
}
