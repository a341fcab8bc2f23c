package io.herald.edge.delivery;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;

/** The frames a subscription emits; implemented by the protocol's frame builder. */
public interface Frames {

    String message(ChannelName channel, LiveMessage entry);

    /**
     * A notification an operator sent again ({@code heraldctl replay}): the {@code message} frame with
     * {@code "replay":true} added, so that clients know it may be one they already have.
     */
    default String replay(ChannelName channel, LiveMessage entry) {
        String message = message(channel, entry);
        return message.substring(0, message.lastIndexOf('}')) + ",\"replay\":true}";
    }

    String subscribed(ChannelName channel, boolean recovered, long replayed, Position position);

    String reset(ChannelName channel, String reason);

    /** An {@code error unavailable} frame for the channel. */
    String unavailable(ChannelName channel, String message);
}
