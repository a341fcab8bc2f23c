package io.herald.bench.micro;

import io.herald.bench.publish.BenchEnvelopes;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
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

/**
 * The envelope codec, which every record crosses twice (ingest encodes; the dispatcher decodes and encodes the
 * canonical form): strict decode and canonical encode of the benchmark's envelope, with a small and a 4 KiB body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvelopeCodecBenchmark {

    @Param({"64", "4096"})
    public int bodyBytes;

    private final EnvelopeCodec codec = new EnvelopeCodec(EnvelopeLimits.DEFAULTS);
    private final EnvelopeCodec.Defaults defaults = new EnvelopeCodec.Defaults() {
        @Override
        public String id() {
            return "generated";
        }

        @Override
        public long createdAt() {
            return 0;
        }
    };
    private byte[] json;
    private Envelope envelope;

    @Setup
    public void setUp() {
        json = new BenchEnvelopes("jmh", bodyBytes).json("user:42", 7, 1_764_300_000_000_000L)
                .getBytes(StandardCharsets.UTF_8);
        envelope = codec.decode(json, defaults);
    }

    @Benchmark
    public Envelope decode() {
        return codec.decode(json, defaults);
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode(envelope);
    }
}
