package io.herald.edge.protocol;

import io.herald.core.channel.ChannelName;
import io.herald.core.channel.InvalidChannelException;
import io.herald.core.position.InvalidPositionException;
import io.herald.core.position.Position;
import io.herald.core.resume.InvalidResumeTokenException;
import io.herald.core.resume.ResumeToken;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads client frames; every refusal is a {@link ProtocolException} whose message names the problem. */
@Component
public class ClientFrameParser {

    private final JsonMapper mapper;

    public ClientFrameParser(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public ClientFrame parse(String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JacksonException e) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "frame is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "frame must be a JSON object");
        }
        JsonNode op = root.get("op");
        if (op == null || !op.isString()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_OP, "frame needs a string field 'op'");
        }
        return switch (op.stringValue()) {
            case "subscribe" -> new ClientFrame.Subscribe(channel(root), since(root));
            case "unsubscribe" -> new ClientFrame.Unsubscribe(channel(root));
            case "resume" -> new ClientFrame.Resume(token(root));
            case "ping" -> new ClientFrame.Ping();
            case "refresh" -> new ClientFrame.Refresh(string(root, "token", true));
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_OP,
                    "unknown op; expected subscribe, unsubscribe, resume, refresh or ping");
        };
    }

    private static ChannelName channel(JsonNode root) {
        String text = string(root, "channel", true);
        try {
            return ChannelName.parse(text);
        } catch (InvalidChannelException e) {
            throw new ProtocolException(ErrorCode.INVALID_CHANNEL, e.getMessage());
        }
    }

    private static Position since(JsonNode root) {
        String text = string(root, "since", false);
        if (text == null) {
            return null;
        }
        try {
            return Position.parse(text);
        } catch (InvalidPositionException e) {
            throw new ProtocolException(ErrorCode.INVALID_POSITION, "since: " + e.getMessage());
        }
    }

    private static ResumeToken token(JsonNode root) {
        try {
            return ResumeToken.decode(string(root, "token", true));
        } catch (InvalidResumeTokenException e) {
            throw new ProtocolException(ErrorCode.INVALID_TOKEN, e.getMessage());
        }
    }

    private static String string(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new ProtocolException(ErrorCode.BAD_FRAME, "field '" + field + "' is required");
            }
            return null;
        }
        if (!node.isString()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "field '" + field + "' must be a string");
        }
        return node.stringValue();
    }
}
