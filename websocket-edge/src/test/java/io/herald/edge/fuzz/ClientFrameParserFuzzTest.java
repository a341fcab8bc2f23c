package io.herald.edge.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.edge.protocol.ClientFrameParser;
import io.herald.edge.protocol.ProtocolException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Any text frame a client sends is parsed or refused with a {@link ProtocolException}, which becomes an {@code
 * error} frame: never another exception, which would end the session without telling the client why.
 */
class ClientFrameParserFuzzTest {

    private static final ClientFrameParser PARSER = new ClientFrameParser(JsonMapper.builder().build());

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefuses(String frame) {
        if (frame == null) {
            return; // Jazzer's String may be null; a WebSocket text frame never is
        }
        try {
            PARSER.parse(frame);
        } catch (ProtocolException refused) {
            // the documented refusal
        }
    }
}
