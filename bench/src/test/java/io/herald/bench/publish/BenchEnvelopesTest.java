package io.herald.bench.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchEnvelopesTest {

    private final EnvelopeCodec codec = new EnvelopeCodec(EnvelopeLimits.DEFAULTS);

    @Test
    void envelopesAreValidAndAlreadyInCanonicalForm() {
        String json = new BenchEnvelopes("r1", 8).json("user:r1-3", 42, 1_764_300_000_123_456L);

        Envelope envelope = codec.decode(json.getBytes(StandardCharsets.UTF_8), new EnvelopeCodec.Defaults() {
            @Override
            public String id() {
                throw new AssertionError("the generator always sets the id");
            }

            @Override
            public long createdAt() {
                throw new AssertionError("the generator always sets createdAt");
            }
        });

        assertThat(new String(codec.encode(envelope), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(envelope.id()).isEqualTo("r1-42");
        assertThat(envelope.createdAt()).isEqualTo(1_764_300_000_123L);
        assertThat(envelope.data().get("s").asLong()).isEqualTo(42);
    }
}
