package io.herald.bench.publish;

import io.herald.core.channel.ChannelName;
import io.herald.redis.ApplyScript;
import io.herald.redis.Retention;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Herald's fan-out path without Kafka, comparable to the peers' {@code PUBLISH}/{@code XADD}: each message is applied
 * with the dispatcher's own Lua script (log XADD, meta, PUBLISH), at the position a Kafka record at offset
 * {@code seq + 1} would get. Seqs grow, so every channel's positions grow too, as Kafka offsets do in a partition.
 */
public final class HeraldRedisPublisher implements Publisher {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final ApplyScript script = new ApplyScript(false);
    private final List<ChannelName> channels;
    private final BenchEnvelopes envelopes;

    public HeraldRedisPublisher(String redisUrl, List<ChannelName> channels, BenchEnvelopes envelopes) {
        this.client = RedisClient.create(redisUrl);
        this.connection = client.connect();
        this.redis = connection.async();
        this.channels = channels;
        this.envelopes = envelopes;
    }

    @Override
    public void prepare() throws Exception {
        ApplyScript.load(redis).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> publish(long seq, long micros, int channelIndex) {
        ChannelName channel = channels.get(channelIndex);
        return script.apply(redis, channel, seq + 1, 0, envelopes.json(channel.value(), seq, micros), Retention.DEFAULT)
                .thenApply(reply -> {
                    if (ApplyScript.result(reply).outcome() != io.herald.redis.ApplyResult.Outcome.APPLIED) {
                        throw new IllegalStateException("not applied: " + reply);
                    }
                    return reply;
                });
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
