package io.herald.ops.support;

import static org.awaitility.Awaitility.await;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listens to a channel's pub/sub channel like an edge does. {@link #before} proves what was (not) published up to
 * now without sleeping: Redis delivers one subscriber's messages in the order it processed the PUBLISHes, so once
 * a marker published now has arrived, everything published before it has too.
 */
public final class PubSubWatch implements AutoCloseable {

    private static final String MARKER = "marker-";

    private final StatefulRedisPubSubConnection<String, String> connection;
    private final String pubsub;
    private final List<String> payloads = new CopyOnWriteArrayList<>();

    public PubSubWatch(RedisClient client, String channel) {
        this.pubsub = RedisKeys.pubsub(ChannelName.parse(channel));
        this.connection = client.connectPubSub();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String payload) {
                payloads.add(payload);
            }
        });
        connection.sync().subscribe(pubsub);
    }

    /** Everything published on the channel before this call, in order (earlier markers left out). */
    public List<String> before(RedisClient client) {
        String marker = MARKER + UUID.randomUUID();
        try (var publisher = client.connect()) {
            publisher.sync().publish(pubsub, marker);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> payloads.contains(marker));
        return payloads.subList(0, payloads.indexOf(marker)).stream().filter(p -> !p.startsWith(MARKER)).toList();
    }

    @Override
    public void close() {
        connection.close();
    }
}
