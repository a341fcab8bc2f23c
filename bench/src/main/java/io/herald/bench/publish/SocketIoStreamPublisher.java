package io.herald.bench.publish;

import io.herald.bench.client.Payload;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Peer B's feed: an XADD to the Socket.IO Redis Streams adapter's stream in the adapter's own entry format (a
 * BROADCAST of a {@code notification} event from uid {@code emitter}), as the peers' streams-emitter.js writes it.
 */
public final class SocketIoStreamPublisher implements Publisher {

    static final String STREAM = "socket.io";
    static final long MAX_LEN = 10_000;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String body;

    public SocketIoStreamPublisher(String redisUrl, int bodyBytes) {
        this.client = RedisClient.create(redisUrl);
        this.connection = client.connect();
        this.body = Payload.body(bodyBytes);
    }

    @Override
    public CompletionStage<?> publish(long seq, long micros, int channelIndex) {
        String data = "{\"packet\":{\"type\":2,\"data\":[\"notification\"," + Payload.json(seq, micros, body)
                + "],\"nsp\":\"/\"},\"opts\":{\"rooms\":[],\"except\":[],\"flags\":{}}}";
        return connection.async().xadd(STREAM, XAddArgs.Builder.maxlen(MAX_LEN).approximateTrimming(),
                "uid", "emitter", "nsp", "/", "type", "3", "data", data);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
