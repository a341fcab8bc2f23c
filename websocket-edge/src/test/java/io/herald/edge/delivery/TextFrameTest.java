package io.herald.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.internal.Parser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A frame's pre-encoded WebSocket bytes, read back by Jetty's own frame parser (the one a Jetty client runs), at
 * each of the three lengths' header forms and their edges (RFC 6455 §5.2).
 */
class TextFrameTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 300_001})
    void theWebSocketBytesAreOneFinalUnmaskedTextFrameOfTheText(int length) {
        // two-byte characters, so that the byte length is not the character count
        String text = "é".repeat(length / 2) + "x".repeat(length % 2);
        TextFrame frame = TextFrame.of("message", text);

        Configuration.ConfigurationCustomizer limits = new Configuration.ConfigurationCustomizer();
        limits.setMaxFrameSize(1 << 20);
        ByteBuffer wire = frame.webSocketFrame();
        Frame parsed = new Parser(new ArrayByteBufferPool(), limits).parse(wire);

        assertThat(parsed).isNotNull();
        assertThat(parsed.getOpCode()).isEqualTo(OpCode.TEXT);
        assertThat(parsed.isFin()).isTrue();
        assertThat(parsed.isMasked()).isFalse();
        assertThat(parsed.getPayloadLength()).isEqualTo(length);
        assertThat(parsed.getPayloadAsUTF8()).isEqualTo(text);
        assertThat(wire.hasRemaining()).as("bytes after the frame").isFalse();
        assertThat(frame.size()).isEqualTo(length);
        assertThat(StandardCharsets.UTF_8.decode(frame.bytes()).toString()).isEqualTo(text);
    }
}
