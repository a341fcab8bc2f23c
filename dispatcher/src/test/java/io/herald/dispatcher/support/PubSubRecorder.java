package io.herald.dispatcher.support;

import io.herald.core.channel.ChannelName;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every live message published on the subscribed channels, in arrival order. */
public final class PubSubRecorder implements AutoCloseable {

    private final StatefulRedisPubSubConnection<String, String> connection;
    private final Map<String, List<LiveMessage>> received = new ConcurrentHashMap<>();

    public PubSubRecorder(RedisClient client, String... channels) {
        connection = client.connectPubSub();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pubsubChannel, String payload) {
                ChannelName channel = RedisKeys.channelOfPubsub(pubsubChannel);
                received.computeIfAbsent(channel.value(), c -> new CopyOnWriteArrayList<>()).add(LiveMessage.parse(payload));
            }
        });
        String[] pubsub = Arrays.stream(channels).map(c -> RedisKeys.pubsub(ChannelName.parse(c))).toArray(String[]::new);
        connection.sync().subscribe(pubsub);
    }

    public List<LiveMessage> messages(String channel) {
        return List.copyOf(received.getOrDefault(channel, List.of()));
    }

    public int total() {
        return received.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public void close() {
        connection.close();
    }
}
