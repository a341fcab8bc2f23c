package io.herald.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void findsSeqAndTimeInEachServersFraming() {
        String payload = Payload.json(1234, 1_764_300_000_123_456L, "xx");
        for (String frame : new String[] {
                payload,                                                     // peer A
                "42[\"notification\"," + payload + ",\"1764-0\"]",          // peer B
                "{\"op\":\"message\",\"channel\":\"user:1\",\"id\":\"9-1\",\"n\":{\"id\":\"x-1\",\"data\":" + payload + "}}"}) {
            byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
            assertThat(Payload.seq(bytes, 0, bytes.length)).isEqualTo(1234);
            assertThat(Payload.time(bytes, 0, bytes.length)).isEqualTo(1_764_300_000_123_456L);
        }
    }

    @Test
    void aFrameWithoutPayloadHasNoSeq() {
        byte[] bytes = "{\"op\":\"pong\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(Payload.seq(bytes, 0, bytes.length)).isEqualTo(-1);
    }
}
