package io.herald.ingest.auth;

import io.herald.ingest.problem.ProblemException;
import io.herald.ingest.problem.ProblemKind;
import io.herald.ingest.support.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Authenticates producers by API key. Keys are looked up by their SHA-256, so the service never holds a key in
 * clear; a lookup by hash leaks nothing useful through timing because the hash of a guess reveals nothing about
 * the hashes that exist.
 */
@Component
public class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final String BEARER = "Bearer ";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final boolean enabled;
    private final Map<String, ProducerIdentity> byHash;

    public ApiKeys(AuthProperties properties) {
        this.enabled = properties.enabled();
        this.byHash = index(properties);
        if (enabled) {
            log.info("api key authentication enabled keys={}", byHash.size());
        } else {
            log.warn("api key authentication DISABLED (herald.ingest.auth.enabled=false): any caller may publish to any"
                    + " namespace; for development only, never on a reachable port");
        }
    }

    /**
     * @param authorization the {@code Authorization} header, or {@code null}
     * @throws ProblemException UNAUTHORIZED when authentication is enabled and the key is missing or unknown
     */
    public ProducerIdentity authenticate(String authorization) {
        if (!enabled) {
            return ProducerIdentity.ANONYMOUS;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ProblemException(ProblemKind.UNAUTHORIZED, "send the API key as 'Authorization: Bearer <key>'");
        }
        ProducerIdentity identity = byHash.get(Sha256.hex(authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8)));
        if (identity == null) {
            throw new ProblemException(ProblemKind.UNAUTHORIZED, "unknown API key");
        }
        return identity;
    }

    private static Map<String, ProducerIdentity> index(AuthProperties properties) {
        if (properties.enabled() && properties.keys().isEmpty()) {
            throw new IllegalStateException("API keys are required (herald.ingest.auth.enabled, default true) but"
                    + " herald.ingest.auth.keys is empty: configure at least one key (name, sha256, namespaces; see"
                    + " docs/operations.md), or, for development only, set herald.ingest.auth.enabled=false");
        }
        Map<String, ProducerIdentity> byHash = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (AuthProperties.ApiKey key : properties.keys()) {
            if (key.name() == null || !NAME.matcher(key.name()).matches()) {
                throw new IllegalStateException("API key name '" + key.name() + "' must match " + NAME);
            }
            if (!names.add(key.name())) {
                throw new IllegalStateException("API key name '" + key.name() + "' is configured twice");
            }
            String hash = key.sha256() == null ? "" : key.sha256().toLowerCase(Locale.ROOT);
            if (!SHA256_HEX.matcher(hash).matches()) {
                throw new IllegalStateException("API key '" + key.name() + "': sha256 must be 64 hex digits");
            }
            if (key.namespaces() == null || key.namespaces().isEmpty()) {
                throw new IllegalStateException("API key '" + key.name() + "' allows no namespace");
            }
            if (byHash.put(hash, new ProducerIdentity(key.name(), Set.copyOf(key.namespaces()))) != null) {
                throw new IllegalStateException("API key '" + key.name() + "' has the same hash as another key");
            }
        }
        return Map.copyOf(byHash);
    }

}
