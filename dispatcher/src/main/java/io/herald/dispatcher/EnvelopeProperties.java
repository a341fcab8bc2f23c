package io.herald.dispatcher;

import io.herald.core.envelope.EnvelopeLimits;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code herald.envelope}; must match the producers' (ingest's) limits, or records they accepted
 * are dead-lettered here.
 *
 * @param maxDataBytes the largest encoded {@code data} object (default 65536, 64 KiB)
 */
@ConfigurationProperties("herald.envelope")
public record EnvelopeProperties(@DefaultValue("65536") int maxDataBytes) {

    public EnvelopeLimits limits() {
        return new EnvelopeLimits(maxDataBytes);
    }
}
