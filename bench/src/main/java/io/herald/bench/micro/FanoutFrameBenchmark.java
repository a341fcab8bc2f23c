package io.herald.bench.micro;

import io.herald.bench.publish.BenchEnvelopes;
import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.edge.protocol.ServerFrames;
import io.herald.edge.delivery.TextFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.json.JsonMapper;

/**
 * One live message fanned out to {@code sessions} sessions of a node, up to the bytes a socket write takes:
 * <ul>
 * <li>{@code buildPerSession}: the frame built and UTF-8 encoded for every session (the naive way);</li>
 * <li>{@code buildOnceEncodePerSession}: {@link ServerFrames#message} once per message and the same String (its
 *     text) handed to every session, whose container encodes it to UTF-8 again for each session (what a JSR-356
 *     {@code sendText(String)} does; Jetty's uses the JDK's intrinsic {@code String.getBytes}, Tomcat's a slower
 *     per-character encoder);</li>
 * <li>{@code encodeOnce}: what the edge does: built and encoded once into a {@link TextFrame}, every session
 *     writes a read-only view of the same bytes.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanoutFrameBenchmark {

    @Param({"1", "100", "1000"})
    public int sessions;

    private final ServerFrames frames = new ServerFrames(JsonMapper.builder().build());
    private final ChannelName channel = ChannelName.parse("broadcast:all");
    private LiveMessage message;

    @Setup
    public void setUp() {
        String envelope = new BenchEnvelopes("jmh", 64).json(channel.value(), 7, 1_764_300_000_000_000L);
        message = new LiveMessage(Position.parse("1234-1"), Position.parse("1233-1"), envelope);
    }

    @Benchmark
    public void buildPerSession(Blackhole sink) {
        for (int i = 0; i < sessions; i++) {
            sink.consume(frames.message(channel, message).bytes());
        }
    }

    @Benchmark
    public void buildOnceEncodePerSession(Blackhole sink) {
        String frame = frames.message(channel, message).text();
        for (int i = 0; i < sessions; i++) {
            sink.consume(frame.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public void encodeOnce(Blackhole sink) {
        TextFrame frame = frames.message(channel, message);
        for (int i = 0; i < sessions; i++) {
            sink.consume(frame.bytes());
        }
    }
}
