package io.herald.client.position;

import java.util.Optional;

/**
 * Where the client keeps, per channel, the position of the last notification the application processed: the point
 * a resume starts from after a reconnect or, with a persistent store, after a restart. Implementations must be
 * thread-safe; the client calls them from its own thread, after the application's listener returned.
 */
public interface PositionStore {

    /** The last position of {@code channel} ({@code "<offset>-1"}), if one is known. */
    Optional<String> get(String channel);

    /** Remembers {@code position} as the last one of {@code channel}. */
    void put(String channel, String position);

    /** Forgets {@code channel} (it was unsubscribed, or its position was refused). */
    void remove(String channel);
}
