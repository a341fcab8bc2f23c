package io.herald.engine.replay;

import io.herald.core.channel.ChannelName;
import io.herald.engine.Bound;
import java.util.Objects;

/**
 * What to send again to a channel's live subscribers.
 *
 * @param channel       the channel ({@code --user 42} is {@code user:42})
 * @param since         the window's start (time or offset)
 * @param until         the window's end, exclusive, or null for the partition's current end
 * @param dryRun        count what would be sent, send nothing
 * @param ratePerSecond messages published per second at most; 0 for no limit
 */
public record ReplayRequest(ChannelName channel, Bound since, Bound until, boolean dryRun, long ratePerSecond) {

    public ReplayRequest {
        Objects.requireNonNull(channel, "channel is required");
        Objects.requireNonNull(since, "since is required");
    }
}
