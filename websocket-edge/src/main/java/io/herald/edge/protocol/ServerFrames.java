package io.herald.edge.protocol;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.edge.delivery.Frames;
import java.time.Instant;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the frames the edge sends. {@code message} frames are built by concatenation: channel names and
 * positions cannot contain characters that need escaping, and the envelope is already canonical JSON, so one
 * string is built per message and shared by every session that receives it.
 */
@Component
public class ServerFrames implements Frames {

    private static final String MESSAGE_HEAD = "{\"op\":\"message\",\"channel\":\"";
    private static final String ID_FIELD = "\",\"id\":\"";

    private final JsonMapper mapper;

    public ServerFrames(JsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String message(ChannelName channel, LiveMessage entry) {
        String envelope = entry.envelopeJson();
        StringBuilder frame = new StringBuilder(envelope.length() + channel.value().length() + 64);
        return frame.append("{\"op\":\"message\",\"channel\":\"").append(channel.value())
                .append("\",\"id\":\"").append(entry.id())
                .append("\",\"n\":").append(envelope).append('}').toString();
    }

    public String welcome(String node, String session) {
        return object("welcome").put("node", node).put("session", session).toString();
    }

    @Override
    public String subscribed(ChannelName channel, boolean recovered, long replayed, Position position) {
        return object("subscribed").put("channel", channel.value()).put("recovered", recovered)
                .put("replayed", replayed).put("position", position.toString()).toString();
    }

    public String unsubscribed(ChannelName channel) {
        return object("unsubscribed").put("channel", channel.value()).toString();
    }

    @Override
    public String reset(ChannelName channel, String reason) {
        return object("reset").put("channel", channel.value()).put("reason", reason).toString();
    }

    @Override
    public String unavailable(ChannelName channel, String message) {
        return error(ErrorCode.UNAVAILABLE, message, channel);
    }

    public String error(ErrorCode code, String message, ChannelName channel) {
        ObjectNode node = object("error").put("code", code.wire()).put("message", message);
        if (channel != null) {
            node.put("channel", channel.value());
        }
        return node.toString();
    }

    public String pong() {
        return "{\"op\":\"pong\"}";
    }

    /** The answer to an accepted {@code refresh}: the session now lives until {@code expiresAt} (null: no expiry). */
    public String refreshed(Instant expiresAt) {
        ObjectNode node = object("refreshed");
        if (expiresAt == null) {
            node.putNull("expiresAt");
        } else {
            node.put("expiresAt", expiresAt.toEpochMilli());
        }
        return node.toString();
    }

    /**
     * Reads back what a frame built here is about, for transports that need more than the text (the event
     * stream's ids). A {@code message} frame, the frequent and possibly large one, is read from its fixed head
     * without parsing the envelope; the others are small and parsed.
     */
    public Described describe(String frame) {
        if (frame.startsWith(MESSAGE_HEAD)) {
            int channelEnd = frame.indexOf('"', MESSAGE_HEAD.length());
            int idStart = channelEnd + ID_FIELD.length();
            int idEnd = frame.indexOf('"', idStart);
            return new Described("message", ChannelName.parse(frame.substring(MESSAGE_HEAD.length(), channelEnd)),
                    Position.parse(frame.substring(idStart, idEnd)));
        }
        JsonNode node = mapper.readTree(frame);
        String op = node.path("op").asString();
        ChannelName channel = node.hasNonNull("channel") ? ChannelName.parse(node.get("channel").asString()) : null;
        Position position = "subscribed".equals(op) ? Position.parse(node.path("position").asString()) : null;
        return new Described(op, channel, position);
    }

    /**
     * @param op       the frame's {@code op}
     * @param channel  its channel, or null
     * @param position where the frame leaves its channel: a message's id, or a subscribed frame's position; else null
     */
    public record Described(String op, ChannelName channel, Position position) {
    }

    private ObjectNode object(String op) {
        return mapper.createObjectNode().put("op", op);
    }
}
