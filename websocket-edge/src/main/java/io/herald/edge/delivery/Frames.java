package io.herald.edge.delivery;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;

/** The frames a subscription emits; implemented by the protocol's frame builder. */
public interface Frames {

    TextFrame message(ChannelName channel, LiveMessage entry);

    /**
     * A notification an operator sent again ({@code heraldctl replay}): the {@code message} frame with
     * {@code "replay":true} added, so that clients know it may be one they already have.
     */
    TextFrame replay(ChannelName channel, LiveMessage entry);

    TextFrame subscribed(ChannelName channel, boolean recovered, long replayed, Position position);

    TextFrame reset(ChannelName channel, String reason);

    /** An {@code error unavailable} frame for the channel. */
    TextFrame unavailable(ChannelName channel, String message);
}
