package io.herald.edge.protocol;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.resume.ResumeToken;

/** A frame a client sends (protocol v1, docs/protocol.md). */
public sealed interface ClientFrame {

    /** Subscribe to a channel; with {@code since}, first replay everything after that position. */
    record Subscribe(ChannelName channel, Position since) implements ClientFrame {
    }

    record Unsubscribe(ChannelName channel) implements ClientFrame {
    }

    /** Subscribe to every channel a resume token names, each from its position. */
    record Resume(ResumeToken token) implements ClientFrame {
    }

    record Ping() implements ClientFrame {
    }

    /** A fresh token for the same subject, sent before the session's token expires. */
    record Refresh(String token) implements ClientFrame {
    }
}
