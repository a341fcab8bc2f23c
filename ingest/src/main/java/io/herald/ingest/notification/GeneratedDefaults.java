package io.herald.ingest.notification;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeIds;
import java.time.Clock;

/** What ingest fills in when a producer leaves them out: a random UUID and the time of arrival. */
record GeneratedDefaults(Clock clock) implements EnvelopeCodec.Defaults {

    @Override
    public String id() {
        return EnvelopeIds.generate();
    }

    @Override
    public long createdAt() {
        return clock.millis();
    }
}
