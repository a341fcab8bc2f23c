package io.herald.testkit.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Mints JWTs for tests of the edge, as an issuer would (Nimbus JOSE+JWT): HS256 with a shared secret, claims
 * {@code sub}, {@code exp}, {@code iat} and {@code channels}. Also the hostile ones: expired, signed with another
 * secret, and unsigned ({@code alg: none}).
 *
 * <pre>{@code
 * TestTokens tokens = new TestTokens(TestTokens.SECRET);   // the edge runs with herald.edge.auth.hs256-secret=SECRET
 * String token = tokens.token("7", "topic:orders", "news:*");
 * }</pre>
 */
public final class TestTokens {

    /** A secret of the length HS256 needs (32 bytes or more). */
    public static final String SECRET = "herald-test-secret-0123456789abcdef-0123456789abcdef";
    /** How long {@link #token(String, String...)} tokens live. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    private final MACSigner signer;

    public TestTokens(String secret) {
        try {
            this.signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("HS256 needs a secret of at least 32 bytes", e);
        }
    }

    /** A token for {@code subject} granting {@code channels} (exact names or {@code namespace:*}), valid one hour. */
    public String token(String subject, String... channels) {
        return token(subject, Instant.now().plus(DEFAULT_LIFETIME), channels);
    }

    /** A token that expires at {@code expiresAt} (in the past for an expired one). */
    public String token(String subject, Instant expiresAt, String... channels) {
        return sign(claims(subject, expiresAt, channels));
    }

    /** A token with exactly these claims ({@code exp}/{@code iat} as {@link Date} or epoch seconds), e.g. one missing {@code sub}. */
    public String tokenWithClaims(Map<String, Object> claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach((name, value) -> builder.claim(name, value instanceof Instant instant ? Date.from(instant) : value));
        return sign(builder.build());
    }

    /** The same claims as {@link #token(String, String...)} with {@code alg: none} and no signature. */
    public static String unsigned(String subject, String... channels) {
        return new PlainJWT(claims(subject, Instant.now().plus(DEFAULT_LIFETIME), channels)).serialize();
    }

    private String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a test token", e);
        }
        return jwt.serialize();
    }

    private static JWTClaimsSet claims(String subject, Instant expiresAt, String... channels) {
        Instant issued = expiresAt.isBefore(Instant.now()) ? expiresAt.minus(DEFAULT_LIFETIME) : Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(Date.from(issued))
                .expirationTime(Date.from(expiresAt))
                .claim("channels", List.of(channels))
                .build();
    }
}
