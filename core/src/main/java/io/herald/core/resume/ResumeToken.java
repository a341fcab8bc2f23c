package io.herald.core.resume;

import io.herald.core.channel.ChannelName;
import io.herald.core.channel.InvalidChannelException;
import io.herald.core.position.InvalidPositionException;
import io.herald.core.position.Position;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client's place in each of its channels: base64url (no padding) of the JSON object
 * {@code {"<channel>":"<last-seen position>", ...}}. The token grants nothing: the edge checks the
 * session's rights on every channel it names.
 */
public record ResumeToken(Map<ChannelName, Position> positions) {

    /** More channels than any session may hold; bounds the work a hostile token can cause. */
    public static final int MAX_CHANNELS = 1024;
    private static final int MAX_TOKEN_LENGTH = 256 * 1024;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    public ResumeToken {
        positions = Collections.unmodifiableMap(new LinkedHashMap<>(positions));
    }

    public String encode() {
        ObjectNode node = MAPPER.createObjectNode();
        positions.forEach((channel, position) -> node.put(channel.value(), position.toString()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(MAPPER.writeValueAsBytes(node));
    }

    public static ResumeToken decode(String token) {
        if (token == null || token.isEmpty()) {
            throw new InvalidResumeTokenException("resume token is empty");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidResumeTokenException("resume token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidResumeTokenException("resume token is not base64url");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new InvalidResumeTokenException("resume token does not hold a JSON object");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidResumeTokenException("resume token does not hold a JSON object");
        }
        if (root.size() > MAX_CHANNELS) {
            throw new InvalidResumeTokenException("resume token names more than " + MAX_CHANNELS + " channels");
        }
        Map<ChannelName, Position> positions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (!entry.getValue().isString()) {
                throw new InvalidResumeTokenException("resume token: position of '" + entry.getKey() + "' is not a string");
            }
            try {
                positions.put(ChannelName.parse(entry.getKey()), Position.parse(entry.getValue().stringValue()));
            } catch (InvalidChannelException | InvalidPositionException e) {
                throw new InvalidResumeTokenException("resume token: " + e.getMessage());
            }
        }
        return new ResumeToken(positions);
    }
}
