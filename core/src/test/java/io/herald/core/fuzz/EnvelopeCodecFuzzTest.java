package io.herald.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.envelope.InvalidEnvelopeException;

/**
 * Any bytes on the topic either decode to an envelope whose canonical encoding reads back as the same envelope
 * and encodes to the very same bytes (what the dispatcher writes is what an edge reading Kafka or a restore
 * derives again), or are refused with {@link InvalidEnvelopeException} (which the dispatcher turns into a dead
 * letter): never another exception. JSON does not tell {@code 0e0} from {@code 0}, so data is compared as bytes.
 */
class EnvelopeCodecFuzzTest {

    private static final EnvelopeCodec CODEC = new EnvelopeCodec(new EnvelopeLimits(1024));
    private static final EnvelopeCodec.Defaults DEFAULTS = new EnvelopeCodec.Defaults() {
        @Override
        public String id() {
            return "k-fuzz-0-0";
        }

        @Override
        public long createdAt() {
            return 1_764_300_000_000L;
        }
    };

    @FuzzTest(maxDuration = "10s")
    void decodesOrRefusesAndIsCanonical(byte[] json) {
        Envelope envelope;
        try {
            envelope = CODEC.decode(json, DEFAULTS);
        } catch (InvalidEnvelopeException refused) {
            return;
        }
        byte[] canonical = CODEC.encode(envelope);
        Envelope again = CODEC.decode(canonical, DEFAULTS);
        assertThat(CODEC.encode(again)).isEqualTo(canonical);
        assertThat(again.id()).isEqualTo(envelope.id());
        assertThat(again.channel()).isEqualTo(envelope.channel());
        assertThat(again.type()).isEqualTo(envelope.type());
        assertThat(again.createdAt()).isEqualTo(envelope.createdAt());
        assertThat(again.expiresAt()).isEqualTo(envelope.expiresAt());
    }
}
