package io.herald.edge.protocol;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.redis.LiveMessage;
import io.herald.edge.subscription.Frames;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the frames the edge sends. {@code message} frames are built by concatenation: channel names and
 * positions cannot contain characters that need escaping, and the envelope is already canonical JSON, so one
 * string is built per message and shared by every session that receives it.
 */
@Component
public class ServerFrames implements Frames {

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

    private ObjectNode object(String op) {
        return mapper.createObjectNode().put("op", op);
    }
}
