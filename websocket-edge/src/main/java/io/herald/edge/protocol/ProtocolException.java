package io.herald.edge.protocol;

import io.herald.core.channel.ChannelName;

/** A client frame the edge refuses; it becomes an {@code error} frame and the session stays open. */
public class ProtocolException extends RuntimeException {

    private final ErrorCode code;
    private final ChannelName channel;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, ChannelName channel) {
        super(message, null, false, false);
        this.code = code;
        this.channel = channel;
    }

    public ErrorCode code() {
        return code;
    }

    public ChannelName channel() {
        return channel;
    }
}
