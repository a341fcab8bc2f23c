package io.herald.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.herald.core.channel.ChannelName;
import io.herald.edge.settings.EdgeProperties;
import io.herald.testkit.auth.TestTokens;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Token checks on their own: every refusal has its reason, and no token chooses how it is checked. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenVerifierTest {

    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final String ISSUER = "https://issuer.test";
    private static final EdgeProperties.Auth.Jwks KEYS = new EdgeProperties.Auth.Jwks(Duration.ofMinutes(5),
            Duration.ofSeconds(30), Duration.ofHours(1));

    private final TestTokens tokens = new TestTokens(TestTokens.SECRET);
    private final TokenVerifier hs256 = TokenVerifier.hs256(TestTokens.SECRET, "", "", SKEW);
    private RSAKey rsa;
    private HttpServer jwksServer;
    private TokenVerifier jwks;

    @BeforeAll
    void serveKeys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("key-1").generate();
        String published = new JWKSet(rsa.toPublicJWK()).toString();
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks.json", exchange -> {
            byte[] body = published.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwksServer.start();
        jwks = TokenVerifier.jwks(URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json").toURL(),
                KEYS, ISSUER, "herald", SKEW);
    }

    @AfterAll
    void stopServer() {
        jwksServer.stop(0);
    }

    @Test
    void aValidTokenGivesItsSubjectChannelsAndExpiryPlusTheSkew() throws Exception {
        Instant exp = Instant.now().plusSeconds(600);
        Identity identity = hs256.verify(tokens.token("7", exp, "topic:orders", "news:*"));

        assertThat(identity.subject()).isEqualTo("7");
        assertThat(identity.authenticated()).isTrue();
        assertThat(identity.expiresAt()).isEqualTo(Instant.ofEpochSecond(exp.getEpochSecond()).plus(SKEW));
        assertThat(identity.grants().covers(ChannelName.parse("topic:orders"))).isTrue();
        assertThat(identity.grants().covers(ChannelName.parse("news:anything"))).isTrue();
        assertThat(identity.grants().covers(ChannelName.parse("topic:other"))).isFalse();
    }

    @Test
    void refusalsSayWhy() {
        assertFailure(() -> hs256.verify(null), AuthFailure.MISSING_TOKEN);
        assertFailure(() -> hs256.verify("garbage"), AuthFailure.MALFORMED_TOKEN);
        assertFailure(() -> hs256.verify("a.b.c"), AuthFailure.MALFORMED_TOKEN);
        assertFailure(() -> hs256.verify(new TestTokens(TestTokens.SECRET + "-other").token("7")), AuthFailure.BAD_SIGNATURE);
        assertFailure(() -> hs256.verify(tokens.token("7", Instant.now().minusSeconds(120))), AuthFailure.EXPIRED);
        assertFailure(() -> hs256.verify(TestTokens.unsigned("7")), AuthFailure.UNSIGNED_TOKEN);
        assertFailure(() -> hs256.verify(tokens.tokenWithClaims(Map.of("exp", Instant.now().plusSeconds(60)))),
                AuthFailure.INVALID_CLAIMS);
        assertFailure(() -> hs256.verify(tokens.tokenWithClaims(Map.of("sub", "7"))), AuthFailure.INVALID_CLAIMS);
        assertFailure(() -> hs256.verify(tokens.tokenWithClaims(Map.of("sub", "7",
                "exp", Instant.now().plusSeconds(60), "channels", "topic:orders"))), AuthFailure.INVALID_CLAIMS);
        assertFailure(() -> hs256.verify(tokens.token("7", Instant.now().plusSeconds(60), "not a channel")),
                AuthFailure.INVALID_CLAIMS);
    }

    @Test
    void aTokenExpiredWithinTheSkewIsStillAccepted() throws Exception {
        assertThat(hs256.verify(tokens.token("7", Instant.now().minusSeconds(5))).subject()).isEqualTo("7");
    }

    @Test
    void theIssuerAndAudienceMustMatchWhenConfigured() throws Exception {
        TokenVerifier strict = TokenVerifier.hs256(TestTokens.SECRET, ISSUER, "herald", SKEW);
        Instant exp = Instant.now().plusSeconds(60);
        String good = tokens.tokenWithClaims(Map.of("sub", "7", "exp", exp, "iss", ISSUER, "aud", "herald"));
        assertThat(strict.verify(good).subject()).isEqualTo("7");
        assertFailure(() -> strict.verify(tokens.tokenWithClaims(Map.of("sub", "7", "exp", exp, "iss", "other", "aud", "herald"))),
                AuthFailure.INVALID_CLAIMS);
        assertFailure(() -> strict.verify(tokens.tokenWithClaims(Map.of("sub", "7", "exp", exp, "iss", ISSUER))),
                AuthFailure.INVALID_CLAIMS);
    }

    @Test
    void aShortSecretIsRefusedAtStartup() {
        assertThatThrownBy(() -> TokenVerifier.hs256("short", "", "", SKEW)).hasMessageContaining("at least 32 bytes");
    }

    @Test
    void jwksTokensAreCheckedWithThePublishedKey() throws Exception {
        Identity identity = jwks.verify(rs256(rsa, claims("7")));
        assertThat(identity.subject()).isEqualTo("7");
    }

    @Test
    void jwksRefusesAnotherKeyAnHmacTokenMadeWithThePublicKeyAndAForeignIssuer() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("key-1").generate();
        assertFailure(() -> jwks.verify(rs256(stranger, claims("7"))), AuthFailure.BAD_SIGNATURE);

        // algorithm confusion: HS256 "signed" with the issuer's public key, which anyone can fetch
        byte[] publicKey = rsa.toRSAPublicKey().getEncoded();
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("key-1").build(), claims("7"));
        confused.sign(new MACSigner(publicKey));
        assertFailure(() -> jwks.verify(confused.serialize()), AuthFailure.BAD_SIGNATURE);

        // and the node's HS256 secret means nothing to a JWKS verifier
        assertFailure(() -> jwks.verify(tokens.token("7")), AuthFailure.BAD_SIGNATURE);

        JWTClaimsSet foreign = new JWTClaimsSet.Builder(claims("7")).issuer("https://elsewhere.test").build();
        assertFailure(() -> jwks.verify(rs256(rsa, foreign)), AuthFailure.INVALID_CLAIMS);
    }

    @Test
    void unreachableKeysAreNotTheClientsFault() throws Exception {
        TokenVerifier unreachable = TokenVerifier.jwks(URI.create("http://127.0.0.1:9/jwks.json").toURL(), KEYS, ISSUER, "", SKEW);
        assertFailure(() -> unreachable.verify(rs256(rsa, claims("7"))), AuthFailure.KEYS_UNAVAILABLE);
        assertThat(AuthFailure.KEYS_UNAVAILABLE.httpStatus()).isEqualTo(503);
    }

    @Test
    void jwksNeedsAnIssuer() {
        assertThatThrownBy(() -> TokenVerifier.jwks(URI.create("http://127.0.0.1:9/jwks.json").toURL(), KEYS, "", "", SKEW))
                .hasMessageContaining("issuer");
    }

    private static JWTClaimsSet claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("herald")
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).claim("channels", List.of("topic:orders"))
                .build();
    }

    private static String rs256(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static void assertFailure(Verification verification, AuthFailure expected) {
        assertThatThrownBy(verification::run).isInstanceOfSatisfying(AuthenticationException.class, e -> {
            assertThat(e.failure()).isEqualTo(expected);
            assertThat(e.getMessage()).isNotBlank();
        });
    }

    @FunctionalInterface
    private interface Verification {
        void run() throws Exception;
    }
}
