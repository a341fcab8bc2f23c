package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.redis.RedisClientFactory.ClusterOptions;
import io.herald.redis.RedisClientFactory.Timeouts;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The options every client gets, and those the caller chooses; creating a client opens no connection. */
class RedisClientFactoryTest {

    private final ClientResources resources = RedisClientFactory.resources(RedisClientFactory.reconnectDelay());

    @AfterEach
    void stop() {
        resources.shutdown();
    }

    @Test
    void aClientRejectsCommandsWhileDisconnectedAndBoundsCommandsAndConnects() {
        RedisClientFactory clients = new RedisClientFactory(RedisEndpoint.ofUrl("redis://127.0.0.1:6379"), resources);
        RedisClient client = clients.client(new Timeouts(Duration.ofSeconds(3), Duration.ofMillis(700)), false);
        try {
            ClientOptions options = client.getOptions();
            assertThat(options.isAutoReconnect()).isFalse();
            assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
            assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
            assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofMillis(700));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aPrimaryClientReconnects() {
        RedisClientFactory clients = new RedisClientFactory(RedisEndpoint.ofUrl("redis://127.0.0.1:6379"), resources);
        RedisClient client = clients.primaryClient(Timeouts.of(Duration.ofSeconds(2)));
        try {
            assertThat(client.getOptions().isAutoReconnect()).isTrue();
            assertThat(client.getOptions().getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aClusterClientRefreshesItsSlotMapAsAskedAndFollowsTheRedirectsAllowed() {
        RedisEndpoint endpoint = new RedisEndpoint(null, null, null, null, null, List.of("127.0.0.1:7000"));
        RedisClusterClient client = new RedisClientFactory(endpoint, resources).clusterClient(
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(2)),
                new ClusterOptions(Duration.ofSeconds(7), true, Duration.ofSeconds(1), 3, Duration.ofSeconds(4)));
        try {
            ClusterClientOptions options = (ClusterClientOptions) client.getOptions();
            ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
            assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
            assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(7));
            assertThat(refresh.getAdaptiveRefreshTriggers()).containsExactlyInAnyOrder(ClusterTopologyRefreshOptions.RefreshTrigger.values());
            assertThat(refresh.getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofSeconds(1));
            assertThat(options.getMaxRedirects()).isEqualTo(3);
            assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
            assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void withoutAdaptiveRefreshOnlyThePeriodRefreshesTheSlotMap() {
        RedisEndpoint endpoint = new RedisEndpoint(null, null, null, null, null, List.of("127.0.0.1:7000"));
        RedisClusterClient client = new RedisClientFactory(endpoint, resources).clusterClient(Timeouts.of(Duration.ofSeconds(2)),
                new ClusterOptions(Duration.ofSeconds(5), false, Duration.ofSeconds(1), 5, Duration.ofSeconds(2)));
        try {
            assertThat(((ClusterClientOptions) client.getOptions()).getTopologyRefreshOptions().getAdaptiveRefreshTriggers()).isEmpty();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theTopologyDecidesWhichClientsCanBeMade() {
        RedisClientFactory cluster = new RedisClientFactory(
                new RedisEndpoint(null, null, null, null, null, List.of("127.0.0.1:7000")), resources);
        assertThatThrownBy(() -> cluster.primaryClient(Timeouts.of(Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spring.data.redis.cluster.nodes");
        RedisClientFactory single = new RedisClientFactory(RedisEndpoint.ofUrl("redis://127.0.0.1:6379"), resources);
        assertThatThrownBy(() -> single.clusterClient(Timeouts.of(Duration.ofSeconds(1)),
                new ClusterOptions(Duration.ofSeconds(5), true, Duration.ofSeconds(1), 5, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spring.data.redis.cluster.nodes");
    }
}
