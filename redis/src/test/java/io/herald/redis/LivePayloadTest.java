package io.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live payload's producer of record is the apply script; {@link LiveMessage} parses it in the edge and formats it
 * for replays and tests. Here the real script runs on a real redis-server, and what a subscriber of the channel's
 * pub/sub name receives is fed to the edge's parser: the two sides cannot drift apart unnoticed.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LivePayloadTest {

    /** Envelopes with what a naive slicer or a re-encoding would break: quotes, braces, the payload's own field
     *  names, escapes, non-ASCII and 4-byte UTF-8. */
    private static final String[] ENVELOPES = {
        "{\"id\":\"a\",\"channel\":\"user:1\",\"type\":\"t\",\"data\":{},\"createdAt\":1,\"expiresAt\":null}",
        "{\"id\":\"b\",\"data\":{\"k\":\"}\",\"prev\":\"9-1\",\"n\":{\"id\":\"1-1\"}}}",
        "{\"id\":\"c\",\"data\":{\"q\":\"say \\\"hi\\\"\",\"path\":\"C:\\\\tmp\\\\\",\"ls\":\"\\u2028\"}}",
        "{\"id\":\"d\",\"data\":{\"text\":\"élève – 日本語 😀\"}}",
    };

    private final AtomicInteger channels = new AtomicInteger();
    private ClientResources resources;
    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;
    private StatefulRedisPubSubConnection<String, String> asEdge;
    private StatefulRedisPubSubConnection<byte[], byte[]> raw;
    private final BlockingQueue<String> edgePayloads = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> rawPayloads = new LinkedBlockingQueue<>();

    @BeforeAll
    void start(RedisServer server) {
        resources = RedisClientFactory.resources(RedisClientFactory.reconnectDelay());
        client = new RedisClientFactory(RedisEndpoint.ofUrl(server.url()), resources)
                .client(RedisClientFactory.Timeouts.of(Duration.ofSeconds(5)), true);
        RedisURI uri = RedisURI.create(server.url());
        redis = client.connect(uri);
        ApplyScript.load(redis.async()).toCompletableFuture().join();
        // the edge's connection: Lettuce's default codec, strings as UTF-8
        asEdge = client.connectPubSub(uri);
        asEdge.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String payload) {
                edgePayloads.add(payload);
            }
        });
        raw = client.connectPubSub(ByteArrayCodec.INSTANCE, uri);
        raw.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] payload) {
                rawPayloads.add(payload);
            }
        });
    }

    @AfterAll
    void stop() {
        raw.close();
        asEdge.close();
        redis.close();
        client.shutdown();
        resources.shutdown();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void theEdgeParsesWhatTheScriptPublishesAndFormatWritesTheSameBytes(int envelope) throws Exception {
        ChannelName channel = subscribedChannel();
        String json = ENVELOPES[envelope];

        Published first = apply(channel, 41, json, Position.NONE);
        assertThat(first.message()).isEqualTo(new LiveMessage(Position.ofOffset(41), Position.NONE, json));
        assertThat(first.raw()).isEqualTo(first.message().format().getBytes(StandardCharsets.UTF_8));

        Published second = apply(channel, 57, json, Position.NONE);
        assertThat(second.message()).isEqualTo(new LiveMessage(Position.ofOffset(57), Position.ofOffset(41), json));
        assertThat(second.raw()).isEqualTo(second.message().format().getBytes(StandardCharsets.UTF_8));
        assertThat(second.message().continues(first.message().id())).isTrue();
    }

    @Test
    void aFreshChannelAfterADataLossStartsFromTheGivenPrevAndALargeOffsetKeepsItsDigits() throws Exception {
        ChannelName channel = subscribedChannel();
        long offset = Position.MAX_OFFSET; // beyond a double's 53 bits: the id is the offset's text, not a Lua number
        Published published = apply(channel, offset, ENVELOPES[0], Position.ofOffset(1_000));
        assertThat(published.message()).isEqualTo(new LiveMessage(Position.ofOffset(offset), Position.ofOffset(1_000),
                ENVELOPES[0]));
        assertThat(published.raw()).isEqualTo(published.message().format().getBytes(StandardCharsets.UTF_8));
    }

    /** What both subscribers got for one applied record: the bytes, and what the edge's parser made of them. */
    private record Published(byte[] raw, LiveMessage message) {
    }

    private ChannelName subscribedChannel() {
        ChannelName channel = ChannelName.parse("user:live-" + channels.incrementAndGet());
        // sync SUBSCRIBE returns once Redis confirmed it: nothing published afterwards can be missed
        asEdge.sync().subscribe(RedisKeys.pubsub(channel));
        raw.sync().subscribe(RedisKeys.pubsub(channel).getBytes(StandardCharsets.UTF_8));
        return channel;
    }

    private Published apply(ChannelName channel, long offset, String json, Position ifNew) throws Exception {
        ApplyResult result = ApplyScript.result(new ApplyScript(false)
                .apply(redis.async(), channel, offset, 0, json, Retention.DEFAULT, ifNew).get(5, TimeUnit.SECONDS));
        assertThat(result.outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
        String payload = edgePayloads.poll(5, TimeUnit.SECONDS);
        byte[] bytes = rawPayloads.poll(5, TimeUnit.SECONDS);
        assertThat(payload).as("payload the edge's connection received").isNotNull();
        assertThat(bytes).as("payload bytes").isNotNull();
        assertThat(payload.getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
        LiveMessage message = LiveMessage.parse(payload);
        assertThat(message.envelopeJson()).isEqualTo(json);
        assertThat(message.replay()).isFalse();
        return new Published(bytes, message);
    }
}
