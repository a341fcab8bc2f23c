package io.herald.ingest.notification;

import io.herald.core.envelope.EnvelopeLimits;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code herald.envelope}, shared by ingest, the dispatcher and the edges: they must agree, or the
 * dispatcher dead-letters what ingest accepted.
 *
 * @param maxDataBytes the largest encoded {@code data} object (default 65536, 64 KiB)
 */
@ConfigurationProperties("herald.envelope")
public record EnvelopeProperties(@DefaultValue("65536") int maxDataBytes) {

    public EnvelopeLimits limits() {
        return new EnvelopeLimits(maxDataBytes);
    }
}
