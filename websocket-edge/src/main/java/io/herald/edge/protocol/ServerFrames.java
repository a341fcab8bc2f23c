package io.herald.edge.protocol;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.edge.delivery.Frames;
import io.herald.edge.delivery.TextFrame;
import java.time.Instant;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the frames the edge sends, each with what it is about (its op, channel and position, see {@link TextFrame}).
 * {@code message} frames are built by concatenation: channel names and positions cannot contain characters that
 * need escaping, and the envelope is already canonical JSON, so one frame is built and encoded per message and
 * shared by every session that receives it.
 */
@Component
public class ServerFrames implements Frames {

    private final JsonMapper mapper;

    public ServerFrames(JsonMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public TextFrame message(ChannelName channel, LiveMessage entry) {
        return TextFrame.of("message", channel, entry.id(), messageText(channel, entry).append('}').toString());
    }

    @Override
    public TextFrame replay(ChannelName channel, LiveMessage entry) {
        return TextFrame.of("message", channel, entry.id(),
                messageText(channel, entry).append(",\"replay\":true}").toString());
    }

    public TextFrame welcome(String node, String session) {
        return TextFrame.of("welcome", object("welcome").put("node", node).put("session", session).toString());
    }

    @Override
    public TextFrame subscribed(ChannelName channel, boolean recovered, long replayed, Position position) {
        return TextFrame.of("subscribed", channel, position, object("subscribed").put("channel", channel.value())
                .put("recovered", recovered).put("replayed", replayed).put("position", position.toString()).toString());
    }

    public TextFrame unsubscribed(ChannelName channel) {
        return TextFrame.of("unsubscribed", channel, null,
                object("unsubscribed").put("channel", channel.value()).toString());
    }

    @Override
    public TextFrame reset(ChannelName channel, String reason) {
        return TextFrame.of("reset", channel, null,
                object("reset").put("channel", channel.value()).put("reason", reason).toString());
    }

    @Override
    public TextFrame unavailable(ChannelName channel, String message) {
        return error(ErrorCode.UNAVAILABLE, message, channel);
    }

    public TextFrame error(ErrorCode code, String message, ChannelName channel) {
        ObjectNode node = object("error").put("code", code.wire()).put("message", message);
        if (channel != null) {
            node.put("channel", channel.value());
        }
        return TextFrame.of("error", channel, null, node.toString());
    }

    public TextFrame pong() {
        return TextFrame.of("pong", "{\"op\":\"pong\"}");
    }

    /** The answer to an accepted {@code refresh}: the session now lives until {@code expiresAt} (null: no expiry). */
    public TextFrame refreshed(Instant expiresAt) {
        ObjectNode node = object("refreshed");
        if (expiresAt == null) {
            node.putNull("expiresAt");
        } else {
            node.put("expiresAt", expiresAt.toEpochMilli());
        }
        return TextFrame.of("refreshed", node.toString());
    }

    /** A {@code message} frame without its closing brace. */
    private static StringBuilder messageText(ChannelName channel, LiveMessage entry) {
        String envelope = entry.envelopeJson();
        StringBuilder frame = new StringBuilder(envelope.length() + channel.value().length() + 80);
        return frame.append("{\"op\":\"message\",\"channel\":\"").append(channel.value())
                .append("\",\"id\":\"").append(entry.id())
                .append("\",\"n\":").append(envelope);
    }

    private ObjectNode object(String op) {
        return mapper.createObjectNode().put("op", op);
    }
}
