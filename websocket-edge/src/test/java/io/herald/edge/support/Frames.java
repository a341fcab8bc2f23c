package io.herald.edge.support;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the raw frames a test client recorded. */
public final class Frames {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Frames() {
    }

    public static JsonNode parse(String frame) {
        return MAPPER.readTree(frame);
    }

    public static boolean is(String frame, String op) {
        return op.equals(parse(frame).path("op").asString());
    }

    public static boolean is(String frame, String op, String channel) {
        JsonNode node = parse(frame);
        return op.equals(node.path("op").asString()) && channel.equals(node.path("channel").asString());
    }

    /** The {@code n.data.n} counters of the message frames of a channel, in arrival order. */
    public static List<Integer> counters(List<String> frames, String channel) {
        return frames.stream().map(Frames::parse)
                .filter(f -> "message".equals(f.path("op").asString()) && channel.equals(f.path("channel").asString()))
                .map(f -> f.path("n").path("data").path("n").asInt())
                .toList();
    }

    /** The IDs of the message frames of a channel, in arrival order. */
    public static List<String> ids(List<String> frames, String channel) {
        return frames.stream().map(Frames::parse)
                .filter(f -> "message".equals(f.path("op").asString()) && channel.equals(f.path("channel").asString()))
                .map(f -> f.path("id").asString())
                .toList();
    }
}
