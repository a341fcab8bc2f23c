package io.herald.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/** The protocol's resume token: base64url without padding of the JSON object {channel: last position}. */
final class ResumeTokens {

    private ResumeTokens() {
    }

    static String encode(ObjectMapper json, Map<String, String> positions) {
        byte[] utf8 = json.writeValueAsString(positions).getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(utf8);
    }
}
