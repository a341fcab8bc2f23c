package io.herald.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.herald.edge.settings.EdgeProperties;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a JWT with Nimbus JOSE+JWT and turns it into an {@link Identity}. Each verifier accepts one family of
 * algorithms only: HS256 with a shared secret, or the asymmetric algorithms with the issuer's published keys.
 * So a token cannot pick how it is checked: {@code alg: none} is refused, and an HS256 token "signed" with the
 * issuer's public key finds no HMAC key to be checked against.
 */
public final class TokenVerifier {

    /** Claims every token must have. */
    static final Set<String> REQUIRED = Set.of(JWTClaimNames.SUBJECT, JWTClaimNames.EXPIRATION_TIME);
    static final String CHANNELS_CLAIM = "channels";
    /** Longer tokens are refused unread: a token is a few hundred bytes, and parsing costs. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Duration clockSkew;

    private TokenVerifier(JWSKeySelector<SecurityContext> keys, String issuer, String audience, Duration clockSkew) {
        this.clockSkew = clockSkew;
        // "at+jwt" is what OAuth 2 access tokens carry (RFC 9068); plain "JWT" or no typ otherwise
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(keys);
        JWTClaimsSet exact = issuer.isEmpty() ? new JWTClaimsSet.Builder().build()
                : new JWTClaimsSet.Builder().issuer(issuer).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audience.isEmpty() ? null : audience, exact, new HashSet<>(REQUIRED));
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** HS256 tokens signed with {@code secret} (at least {@value EdgeProperties.Auth#MIN_SECRET_BYTES} bytes of UTF-8). */
    public static TokenVerifier hs256(String secret, String issuer, String audience, Duration clockSkew) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < EdgeProperties.Auth.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("herald.edge.auth.hs256-secret must be at least "
                    + EdgeProperties.Auth.MIN_SECRET_BYTES + " bytes, it has " + key.length);
        }
        return new TokenVerifier(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(key)),
                issuer, audience, clockSkew);
    }

    /**
     * Tokens signed with one of the keys the issuer publishes at {@code jwksUri}: fetched at the first token, then
     * cached and refreshed as {@code settings} say.
     */
    public static TokenVerifier jwks(URL jwksUri, EdgeProperties.Auth.Jwks settings, String issuer, String audience,
            Duration clockSkew) {
        long ttl = settings.cacheTtl().toMillis();
        // Nimbus's defaults (a refresh waited for up to 15 s, started 30 s before the set expires) scaled down for
        // a short TTL: their sum must fit in it
        JWKSourceBuilder<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwksUri)
                .cache(ttl, Math.min(JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT, ttl / 2))
                .refreshAheadCache(Math.min(JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME, ttl / 4), false)
                .rateLimited(settings.refreshMinInterval().toMillis());
        if (!settings.outageTolerance().isZero()) {
            keys.outageTolerant(settings.cacheTtl().plus(settings.outageTolerance()).toMillis());
        }
        return withKeys(keys.build(), issuer, audience, clockSkew);
    }

    /** Tokens signed (RS, PS or ES algorithms) with a key from {@code keys}. */
    public static TokenVerifier withKeys(JWKSource<SecurityContext> keys, String issuer, String audience,
            Duration clockSkew) {
        if (issuer.isEmpty()) {
            throw new IllegalArgumentException("herald.edge.auth.issuer is required with herald.edge.auth.jwks-uri:"
                    + " an issuer's keys may sign tokens for other services too");
        }
        return new TokenVerifier(new JWSVerificationKeySelector<>(ASYMMETRIC, keys), issuer, audience, clockSkew);
    }

    /**
     * @throws AuthenticationException saying why the token proves nothing; its message is safe for the client
     */
    public Identity verify(String token) throws AuthenticationException {
        if (token == null || token.isBlank()) {
            throw new AuthenticationException(AuthFailure.MISSING_TOKEN, "no token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthenticationException(AuthFailure.MALFORMED_TOKEN, "token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationException(AuthFailure.MALFORMED_TOKEN, "not a JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw new AuthenticationException(AuthFailure.UNSIGNED_TOKEN, "unsigned tokens (alg none) are refused");
        }
        if (!(jwt instanceof SignedJWT)) {
            throw new AuthenticationException(AuthFailure.MALFORMED_TOKEN, "encrypted tokens are not accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (ExpiredJWTException e) {
            throw new AuthenticationException(AuthFailure.EXPIRED, "token expired");
        } catch (BadJWTException e) {
            throw new AuthenticationException(AuthFailure.INVALID_CLAIMS, e.getMessage());
        } catch (BadJWSException e) {
            throw new AuthenticationException(AuthFailure.BAD_SIGNATURE, "invalid signature");
        } catch (BadJOSEException e) {
            // an algorithm this node does not accept, no key with the token's kid, or a typ that is not a JWT
            throw new AuthenticationException(AuthFailure.BAD_SIGNATURE, "token not signed with an accepted algorithm and key");
        } catch (KeySourceException e) {
            throw new AuthenticationException(AuthFailure.KEYS_UNAVAILABLE, "the issuer's keys cannot be fetched; retry later");
        } catch (JOSEException e) {
            throw new AuthenticationException(AuthFailure.BAD_SIGNATURE, "signature cannot be verified");
        }
        return identity(claims);
    }

    private Identity identity(JWTClaimsSet claims) throws AuthenticationException {
        String subject;
        List<String> channels;
        try {
            subject = claims.getStringClaim(JWTClaimNames.SUBJECT);
            channels = claims.getClaim(CHANNELS_CLAIM) == null ? List.of() : claims.getStringListClaim(CHANNELS_CLAIM);
        } catch (ParseException e) {
            throw new AuthenticationException(AuthFailure.INVALID_CLAIMS, "sub must be a string and channels an array of strings");
        }
        if (subject == null || subject.isBlank()) {
            throw new AuthenticationException(AuthFailure.INVALID_CLAIMS, "sub is empty");
        }
        ChannelGrants grants;
        try {
            grants = ChannelGrants.of(channels);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException(AuthFailure.INVALID_CLAIMS, e.getMessage());
        }
        // a token is accepted until exp + skew, so the connection lives as long: closing it earlier would only
        // make the client reconnect with the same token, be accepted again, and loop
        return new Identity(subject, grants, claims.getExpirationTime().toInstant().plus(clockSkew), true);
    }
}
