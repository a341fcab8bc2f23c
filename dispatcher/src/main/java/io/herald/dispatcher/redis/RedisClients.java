package io.herald.dispatcher.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** How the dispatcher's Lettuce client is set up, shared by the service and anything that reuses its engine. */
public final class RedisClients {

    private RedisClients() {
    }

    /**
     * Lettuce reconnects at the pace of the batch backoff ({@code initial} doubling up to {@code max}), so a
     * restarted Redis is noticed by the time the next retry is due.
     */
    public static ClientResources resources(Duration initial, Duration max) {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(initial, max, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * Commands are rejected, not queued, while disconnected, and commands in flight when the connection drops
     * fail instead of being replayed after the reconnect behind the caller's back: the caller retries whole
     * batches itself, starting with the script load.
     *
     * @param timeout connect timeout and per-command timeout
     */
    public static RedisClient create(ClientResources resources, Duration timeout) {
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        return client;
    }
}
