package io.herald.client.conformance;

import io.herald.client.TokenSupplier;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a scenario wants the client under test set up, in terms both clients understand. Backoff is always 100 ms to
 * 1 s, so that reconnects are quick; {@code null} durations keep the client's default.
 *
 * @param positions   positions the application already had (from an earlier run), as a persistent store would give them
 * @param tokenInQuery send the token as {@code access_token} (the JS client always does)
 * @param blockOn     the listener blocks on this notification until {@link ClientUnderTest#release()}
 * @param ownSilenceDetection whether the client's own ping and dead-connection timeout are on (the default)
 */
public record ClientConfig(List<URI> edges, TokenSupplier tokens, Map<String, String> positions,
                           Duration handshakeTimeout, Duration refreshBefore, boolean tokenInQuery, BlockOn blockOn,
                           boolean ownSilenceDetection) {

    public static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    /** A listener that blocks on notification number {@code n} of {@code channel}. */
    public record BlockOn(String channel, int n) {
    }

    public static ClientConfig of(List<URI> edges, TokenSupplier tokens) {
        return new ClientConfig(List.copyOf(edges), tokens, Map.of(), null, null, false, null, true);
    }

    public ClientConfig withPositions(Map<String, String> known) {
        return new ClientConfig(edges, tokens, Map.copyOf(known), handshakeTimeout,
                refreshBefore, tokenInQuery, blockOn, ownSilenceDetection);
    }

    public ClientConfig withHandshakeTimeout(Duration timeout) {
        return new ClientConfig(edges, tokens, positions, timeout,
                refreshBefore, tokenInQuery, blockOn, ownSilenceDetection);
    }

    public ClientConfig withRefreshBefore(Duration before) {
        return new ClientConfig(edges, tokens, positions, handshakeTimeout,
                before, tokenInQuery, blockOn, ownSilenceDetection);
    }

    public ClientConfig withTokenInQuery() {
        return new ClientConfig(edges, tokens, positions, handshakeTimeout,
                refreshBefore, true, blockOn, ownSilenceDetection);
    }

    public ClientConfig blockingOn(String channel, int n) {
        return new ClientConfig(edges, tokens, positions, handshakeTimeout, refreshBefore, tokenInQuery,
                new BlockOn(channel, n), ownSilenceDetection);
    }

    /**
     * Turns the client's own silence detection off (pings after 5 min) where it runs beside a blocked listener (the
     * Node client's event loop): on a loaded machine a blocked listener's backlog can take longer to publish than
     * the client's default timeout, which must not beat the edge's close. The Java client ignores it: its heartbeat
     * runs on the listener's thread, so it cannot fire while the listener is blocked, and it is what notices a
     * connection that the JDK's WebSocket loses without a word ({@code JavaClientUnderTest}).
     */
    public ClientConfig withoutOwnSilenceDetection() {
        return new ClientConfig(edges, tokens, positions, handshakeTimeout,
                refreshBefore, tokenInQuery, blockOn, false);
    }
}
