package io.herald.bench.micro;

import io.herald.bench.publish.BenchEnvelopes;
import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.redis.LiveMessage;
import io.herald.edge.protocol.ServerFrames;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
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
 * <li>{@code buildOnceEncodePerSession}: what the edge does today: {@link ServerFrames#message} once per message
 *     and the same String handed to every session, whose container (JSR-356 {@code sendText(String)}) encodes it
 *     to UTF-8 again for each session;</li>
 * <li>{@code encodeOnce}: built and encoded once, every session writes a read-only view of the same bytes
 *     (what a byte-level send path would allow);</li>
 * <li>{@code tomcatEncodePerSession}: built once, then encoded per session exactly as Tomcat's
 *     {@code sendText(String)} does: its {@code Utf8Encoder} over {@code CharBuffer.wrap(String)} into an 8 KiB
 *     output buffer, the per-character path the edge's profile shows.</li>
 * </ul>
 * The JDK's {@code String.getBytes} of {@code buildOnceEncodePerSession} is the fast, intrinsic encoder; Tomcat
 * does not use it.
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
    private final CharsetEncoder encoder = new org.apache.tomcat.util.buf.Utf8Encoder();
    private final ByteBuffer output = ByteBuffer.allocate(8192);

    @Setup
    public void setUp() {
        String envelope = new BenchEnvelopes("jmh", 64).json(channel.value(), 7, 1_764_300_000_000_000L);
        message = new LiveMessage(Position.parse("1234-1"), Position.parse("1233-1"), envelope);
    }

    @Benchmark
    public void buildPerSession(Blackhole sink) {
        for (int i = 0; i < sessions; i++) {
            sink.consume(frames.message(channel, message).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public void buildOnceEncodePerSession(Blackhole sink) {
        String frame = frames.message(channel, message);
        for (int i = 0; i < sessions; i++) {
            sink.consume(frame.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public void tomcatEncodePerSession(Blackhole sink) {
        String frame = frames.message(channel, message);
        for (int i = 0; i < sessions; i++) {
            output.clear();
            encoder.reset();
            encoder.encode(CharBuffer.wrap(frame), output, true);
            sink.consume(output);
        }
    }

    @Benchmark
    public void encodeOnce(Blackhole sink) {
        ByteBuffer bytes = ByteBuffer.wrap(frames.message(channel, message).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < sessions; i++) {
            sink.consume(bytes.asReadOnlyBuffer());
        }
    }
}
