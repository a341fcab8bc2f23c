package io.herald.client.position;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Positions for the life of the process: enough to resume across reconnects, not across restarts. The default. */
public final class InMemoryPositionStore implements PositionStore {

    private final Map<String, String> positions = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String channel) {
        return Optional.ofNullable(positions.get(channel));
    }

    @Override
    public void put(String channel, String position) {
        positions.put(channel, position);
    }

    @Override
    public void remove(String channel) {
        positions.remove(channel);
    }
}
