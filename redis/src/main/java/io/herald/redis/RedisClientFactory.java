package io.herald.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place Herald's Lettuce clients are made, for the {@link RedisEndpoint} the configuration names. Every
 * client rejects commands while disconnected rather than queueing them without bound, and bounds every command and
 * every connect attempt, so a Redis that is away or does not answer fails a call instead of hanging it. What the
 * services choose differently (how long they wait, whether a connection reconnects in place, how a cluster's slot map
 * is refreshed) is a parameter of the call, never a second way of building a client.
 *
 * <p>The caller owns what it gets: it shuts the clients and the {@link ClientResources} down.
 */
public final class RedisClientFactory {

    private final RedisEndpoint endpoint;
    private final ClientResources resources;

    public RedisClientFactory(RedisEndpoint endpoint, ClientResources resources) {
        this.endpoint = endpoint;
        this.resources = resources;
    }

    /**
     * How long a connection that lost Redis waits between attempts to reconnect: 50 ms doubling to 250 ms, so that
     * a Redis that answers again is used within a quarter of a second (delivery is to resume within a second of
     * Redis returning, and a catch-up follows the reconnect). Four attempts a second per connection cost a dead
     * Redis nothing. (Lettuce's default grows to 30 s: after an outage of a few seconds, nodes stayed away for up to
     * 10 s more.)
     */
    public static Delay reconnectDelay() {
        return reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(250));
    }

    /** Reconnects {@code initial} after a disconnect, doubling up to {@code max}. */
    public static Delay reconnectDelay(Duration initial, Duration max) {
        return Delay.exponential(initial, max, 2, TimeUnit.MILLISECONDS);
    }

    /** Event loops and timers for the clients of one service, reconnecting after {@code reconnectDelay}. */
    public static ClientResources resources(Delay reconnectDelay) {
        return DefaultClientResources.builder().reconnectDelay(reconnectDelay).build();
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /**
     * A client without a URI of its own, for callers that connect to addresses they choose (one node of a cluster,
     * a primary whose connections must never reconnect).
     *
     * @param reconnect whether connections reconnect by themselves; without, a command in flight when the connection
     *                  drops fails and is never resent (Lettuce's at-most-once mode), and the caller opens a new one
     */
    public RedisClient client(Timeouts timeouts, boolean reconnect) {
        RedisClient client = RedisClient.create(resources);
        client.setOptions(clientOptions(timeouts, reconnect));
        return client;
    }

    /**
     * A client for the endpoint's one server or Sentinel-watched primary ({@link RedisEndpoint#uri()}), whose
     * connections reconnect by themselves; through Sentinel, each reconnect asks the sentinels for the primary.
     *
     * @throws IllegalArgumentException when the endpoint is a cluster or its settings are wrong
     */
    public RedisClient primaryClient(Timeouts timeouts) {
        RedisClient client = RedisClient.create(resources, endpoint.uri());
        client.setOptions(clientOptions(timeouts, true));
        return client;
    }

    /**
     * A client for the endpoint's Redis Cluster, seeded with {@link RedisEndpoint#clusterUris()}, whose connections
     * reconnect by themselves and whose slot map is refreshed as {@code cluster} says.
     *
     * @throws IllegalArgumentException when the endpoint is no cluster
     */
    public RedisClusterClient clusterClient(Timeouts timeouts, ClusterOptions cluster) {
        List<RedisURI> seeds = endpoint.clusterUris();
        seeds.forEach(seed -> seed.setTimeout(cluster.seedTimeout()));
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        ClusterTopologyRefreshOptions.Builder topology = ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(cluster.refreshPeriod())
                .closeStaleConnections(true)
                .dynamicRefreshSources(true);
        if (cluster.adaptiveRefresh()) {
            topology.enableAllAdaptiveRefreshTriggers().adaptiveRefreshTriggersTimeout(cluster.adaptiveRefreshTimeout());
        }
        client.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeouts.command()))
                .socketOptions(SocketOptions.builder().connectTimeout(timeouts.connect()).build())
                .maxRedirects(cluster.maxRedirects())
                .topologyRefreshOptions(topology.build())
                .build());
        return client;
    }

    private static ClientOptions clientOptions(Timeouts timeouts, boolean reconnect) {
        return ClientOptions.builder()
                .autoReconnect(reconnect)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeouts.command()))
                .socketOptions(SocketOptions.builder().connectTimeout(timeouts.connect()).build())
                .build();
    }

    /**
     * @param command how long a command may wait for its reply
     * @param connect how long opening a connection may take
     */
    public record Timeouts(Duration command, Duration connect) {

        /** Lettuce's own connect timeout, for clients that have always used it. */
        public static final Duration LETTUCE_CONNECT_TIMEOUT = SocketOptions.DEFAULT_CONNECT_TIMEOUT_DURATION;

        /** The same bound for a command and for a connect. */
        public static Timeouts of(Duration timeout) {
            return new Timeouts(timeout, timeout);
        }
    }

    /**
     * How a cluster client follows the cluster. Stale connections are closed and every node is asked for the slot
     * map on each refresh (Lettuce's defaults, stated here so that no service depends on them silently).
     *
     * @param refreshPeriod          how often the slot map is read without a reason
     * @param adaptiveRefresh        whether MOVED, ASK and reconnects also trigger a refresh
     * @param adaptiveRefreshTimeout the least time between two adaptive refreshes
     * @param maxRedirects           MOVED/ASK redirections a command follows before it fails
     * @param seedTimeout            how long reading the slot map from a node may take
     */
    public record ClusterOptions(Duration refreshPeriod, boolean adaptiveRefresh, Duration adaptiveRefreshTimeout,
            int maxRedirects, Duration seedTimeout) {

        /** Lettuce's own values, for clients that have always used them. */
        public static final Duration LETTUCE_ADAPTIVE_REFRESH_TIMEOUT =
                ClusterTopologyRefreshOptions.DEFAULT_ADAPTIVE_REFRESH_TIMEOUT_DURATION;
        public static final int LETTUCE_MAX_REDIRECTS = ClusterClientOptions.DEFAULT_MAX_REDIRECTS;
        public static final Duration LETTUCE_SEED_TIMEOUT = RedisURI.DEFAULT_TIMEOUT_DURATION;
    }
}
