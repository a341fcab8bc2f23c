package io.herald.ingest.auth;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Producer API keys ({@code herald.ingest.auth.*}). Only hashes are configured, so the configuration itself
 * grants nothing: {@code printf %s "$KEY" | sha256sum}.
 *
 * @param enabled whether requests must carry {@code Authorization: Bearer <key>} (default true). When true at least
 *                one key is required, or ingest does not start: a forgotten setting must not let anyone who reaches
 *                the port notify any user. {@code false} is for development only (the dev mode sets it) and is
 *                logged as a warning at startup
 * @param keys    the accepted keys (default none)
 */
@ConfigurationProperties("herald.ingest.auth")
public record AuthProperties(@DefaultValue("true") boolean enabled, @DefaultValue List<ApiKey> keys) {

    /**
     * @param name       who holds the key; shows in logs and scopes idempotency keys (letters, digits, {@code _.-})
     * @param sha256     the SHA-256 of the key, 64 hex digits
     * @param namespaces the channel namespaces the key may publish to; {@code *} allows all
     */
    public record ApiKey(String name, String sha256, List<String> namespaces) {
    }
}
