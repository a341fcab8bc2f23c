package io.herald.edge.auth;

import io.herald.edge.settings.EdgeProperties;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses how tokens are checked. A node with neither a secret nor a key set does not start (see
 * {@link EdgeProperties.Auth}): an edge that silently let everyone in would be the worst outcome of a forgotten
 * setting. Turning authentication off takes {@code herald.edge.auth.enabled=false}, said explicitly, and is
 * logged as a warning.
 */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);

    @Bean
    Authenticator authenticator(EdgeProperties properties) {
        EdgeProperties.Auth auth = properties.auth();
        if (!auth.enabled()) {
            log.warn("authentication DISABLED (herald.edge.auth.enabled=false): any client may connect and subscribe"
                    + " to any channel; for development only, never on a reachable node");
            return new Authenticator(null);
        }
        boolean secret = !auth.hs256Secret().isEmpty(); // EdgeProperties.Auth ensured exactly one way is set
        TokenVerifier verifier;
        if (secret) {
            verifier = TokenVerifier.hs256(auth.hs256Secret(), auth.issuer(), auth.audience(), auth.clockSkew());
        } else {
            URL jwksUrl;
            try {
                jwksUrl = URI.create(auth.jwksUri()).toURL();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalStateException("herald.edge.auth.jwks-uri is not a URL: " + e.getMessage(), e);
            }
            verifier = TokenVerifier.jwks(jwksUrl, auth.jwks(), auth.issuer(), auth.audience(), auth.clockSkew());
        }
        log.info("authentication on keys={} issuer={} audience={} publicNamespaces={}", secret ? "hs256-secret" : auth.jwksUri(),
                auth.issuer().isEmpty() ? "-" : auth.issuer(), auth.audience().isEmpty() ? "-" : auth.audience(),
                auth.publicNamespaces());
        return new Authenticator(verifier);
    }

    @Bean
    ChannelAccess channelAccess(EdgeProperties properties) {
        return new ChannelAccess(Set.copyOf(properties.auth().publicNamespaces()));
    }
}
