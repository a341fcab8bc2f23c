package io.herald.bench.publish;

import io.herald.bench.client.Payload;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Peer A's feed: {@code PUBLISH notifications <payload>}, exactly what its publisher.js does. */
public final class RedisPubSubPublisher implements Publisher {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String channel;
    private final String body;

    public RedisPubSubPublisher(String redisUrl, String channel, int bodyBytes) {
        this.client = RedisClient.create(redisUrl);
        this.connection = client.connect();
        this.channel = channel;
        this.body = Payload.body(bodyBytes);
    }

    @Override
    public CompletionStage<?> publish(long seq, long micros, int channelIndex) {
        return connection.async().publish(channel, Payload.json(seq, micros, body));
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
