package io.herald.edge.redis;

import io.herald.redis.CommandConnection;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One pub/sub connection to one server: standalone, or the primary Sentinel names (each reconnect asks the
 * sentinels again, so the connection follows a failover). Lettuce reconnects it and SUBSCRIBEs every channel
 * again by itself; this only tells the hub when the connection dropped, so that each channel is caught up once
 * Redis confirms it again.
 */
public final class SinglePubSub implements PubSubTransport {

    private final RedisClient client;
    private final CommandConnection commands;
    private StatefulRedisPubSubConnection<String, String> connection;
    private volatile boolean closing;

    /** @param commands the node's command connection, which publishes the canary */
    public SinglePubSub(RedisClient client, CommandConnection commands) {
        this.client = client;
        this.commands = commands;
    }

    @Override
    public void start(Events events) {
        connection = client.connectPubSub();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pubsubChannel, String payload) {
                events.message(pubsubChannel, payload);
            }

            @Override
            public void subscribed(String pubsubChannel, long count) {
                events.subscribed(pubsubChannel);
            }
        });
        // registered after the first connect, so every connect it sees is a reconnect
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                if (handler == connection) {
                    events.reconnected();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler == connection && !closing) {
                    // reported here, before Lettuce resubscribes: whatever was published meanwhile is read back once
                    // Redis confirms each channel again
                    events.interrupted(channel -> true, "connection lost");
                }
            }
        });
    }

    @Override
    public CompletableFuture<Void> subscribe(String pubsubChannel) {
        return connection.async().subscribe(pubsubChannel).toCompletableFuture().thenApply(ignored -> null);
    }

    @Override
    public void unsubscribe(String pubsubChannel) {
        connection.async().unsubscribe(pubsubChannel);
    }

    @Override
    public List<String> canaryChannels(String base) {
        return List.of(base);
    }

    @Override
    public CompletableFuture<Void> publish(String channel, String payload) {
        return commands.async().publish(channel, payload).toCompletableFuture().thenApply(ignored -> null);
    }

    @Override
    public boolean isConnected() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        closing = true;
        connection.close();
    }
}
