package io.herald.engine.restore;

import io.herald.core.channel.ChannelName;
import io.herald.engine.Bound;
import java.util.Objects;

/**
 * What to restore from Kafka into the Redis logs.
 *
 * @param since         the window's start (time or offset)
 * @param until         the window's end, exclusive, or null for "everything the dispatcher has applied"; the
 *                      window never reaches past the dispatcher group's committed offsets (what the dispatcher
 *                      has not applied yet it will apply, and publish, itself)
 * @param channel       only this channel (the partitions it lived in alone are read: one unless a growth of the
 *                      topic moved it), or null for every channel
 * @param dryRun        count what would be written, write nothing
 * @param ratePerSecond records written per second at most; 0 for no limit
 * @param groupId       the dispatcher's consumer group, whose committed offsets cap the window (read only)
 */
public record RestoreRequest(Bound since, Bound until, ChannelName channel, boolean dryRun, long ratePerSecond,
        String groupId) {

    public RestoreRequest {
        Objects.requireNonNull(since, "since is required");
        Objects.requireNonNull(groupId, "groupId is required");
    }
}
