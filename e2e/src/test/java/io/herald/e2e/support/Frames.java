package io.herald.e2e.support;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads raw protocol frames as a client received them. */
public final class Frames {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Frames() {
    }

    public static JsonNode parse(String frame) {
        return MAPPER.readTree(frame);
    }

    public static boolean is(String frame, String op, String channel) {
        JsonNode node = parse(frame);
        return op.equals(node.path("op").asString()) && channel.equals(node.path("channel").asString());
    }

    /** The message frames of a channel, in arrival order. */
    public static List<JsonNode> messages(List<String> frames, String channel) {
        return frames.stream().map(Frames::parse)
                .filter(f -> "message".equals(f.path("op").asString()) && channel.equals(f.path("channel").asString()))
                .toList();
    }

    /** The {@code data.n} counters of a channel's message frames, in arrival order. */
    public static List<Integer> counters(List<String> frames, String channel) {
        return messages(frames, channel).stream().map(f -> f.path("n").path("data").path("n").asInt()).toList();
    }
}
