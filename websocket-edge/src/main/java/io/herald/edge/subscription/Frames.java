package io.herald.edge.subscription;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.redis.LiveMessage;

/** The frames a subscription emits; implemented by the protocol's frame builder. */
public interface Frames {

    String message(ChannelName channel, LiveMessage entry);

    String subscribed(ChannelName channel, boolean recovered, long replayed, Position position);

    String reset(ChannelName channel, String reason);
}
