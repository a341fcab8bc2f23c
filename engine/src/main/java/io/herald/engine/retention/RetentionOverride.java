package io.herald.engine.retention;

import java.time.Duration;

/** A namespace's override; {@code null} fields fall back to {@link RetentionDefaults}. */
public record RetentionOverride(Integer maxLen, Duration ttl, Duration metaTtl) {
}
