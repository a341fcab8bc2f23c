package io.herald.dispatcher.admin;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code herald.dispatcher.admin}.
 *
 * @param token       the bearer token of the admin HTTP API ({@code Authorization: Bearer <token>}); none by
 *                    default, which disables the API (every {@code /admin} request gets 503)
 * @param timeout     how long one call to Kafka or Redis made by an admin operation may take (default 10 s)
 * @param defaultRate records per second of a restore or replay that names no rate (default 5000)
 * @param jobsKept    finished restore and replay jobs kept for {@code GET /admin/jobs} (default 20)
 */
@ConfigurationProperties("herald.dispatcher.admin")
public record AdminProperties(
        String token,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("5000") long defaultRate,
        @DefaultValue("20") int jobsKept) {

    public boolean enabled() {
        return token != null && !token.isBlank();
    }
}
