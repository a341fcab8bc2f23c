package io.herald.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.herald.edge.support.EdgeNode;
import io.herald.edge.support.Frames;
import io.herald.edge.support.JwksServer;
import io.herald.edge.support.RawWebSocket;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import io.herald.testkit.ws.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An edge checking tokens against an identity provider's key set (JWKS) served by a real local HTTP server, through
 * real WebSocket handshakes: RS256 and ES256 keys, rotation (a new key accepted once published, a removed one
 * refused once the cached set expired), an outage of the key set endpoint, and the algorithm-confusion attack.
 */
@WithKafka
@WithRedis
class JwksModeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ISSUER = "https://issuer.test";
    /** Short, so that rotation shows within the test; production keeps the defaults (5 min, 30 s). */
    private static final String CACHE_TTL = "2s";
    private static final String REFRESH_MIN_INTERVAL = "200ms";

    private final String topic = "edge-jwks-" + UUID.randomUUID();
    private final KafkaBroker kafka;
    private final RedisServer redis;
    private JwksServer jwks;
    private EdgeNode edge;

    JwksModeIT(KafkaBroker kafka, RedisServer redis) {
        this.kafka = kafka;
        this.redis = redis;
        kafka.createTopic(topic, 1);
    }

    @BeforeEach
    void startProvider() {
        jwks = JwksServer.start();
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        jwks.close();
    }

    @Test
    void rs256AndEs256TokensAreAcceptedAndAddedKeysAreUsedOnceRemovedOnesAreRefused() throws Exception {
        RSAKey rsa1 = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ECKey ec1 = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        RSAKey rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        jwks.publish(rsa1, ec1);
        edge = startEdge("1h");

        assertConnectsAs("alice", sign(rsa1, "alice"));
        assertConnectsAs("bob", sign(ec1, "bob"));
        assertRefused(sign(rsa2, "carol"), 401, "bad-signature");

        // rotation, step 1: the provider publishes its next key beside the current one
        jwks.publish(rsa1, ec1, rsa2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(handshake(sign(rsa2, "carol")).status()).isEqualTo(101));
        assertConnectsAs("carol", sign(rsa2, "carol"));

        // step 2: the old key is withdrawn; once the cached set expired, its tokens prove nothing
        jwks.publish(ec1, rsa2);
        await().atMost(WAIT).untilAsserted(() -> assertRefused(sign(rsa1, "alice"), 401, "bad-signature"));
        assertConnectsAs("carol", sign(rsa2, "carol"));
        assertConnectsAs("bob", sign(ec1, "bob"));
    }

    @Test
    void anHs256TokenSignedWithThePublishedPublicKeyIsRefused() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        jwks.publish(rsa);
        edge = startEdge("1h");
        assertConnectsAs("alice", sign(rsa, "alice"));

        // the classic algorithm confusion: "alg":"HS256" and the verifier's RSA public key, which anyone can
        // download, as the HMAC secret; in each form an attacker might try (the JWK's modulus bytes, DER, PEM)
        byte[] der = rsa.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        for (byte[] secret : new byte[][] {der, pem.getBytes(StandardCharsets.US_ASCII),
                rsa.getModulus().decode(), rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)}) {
            SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                    claims("mallory"));
            confused.sign(new MACSigner(secret));
            assertRefused(confused.serialize(), 401, "bad-signature");
        }
        assertConnectsAs("alice", sign(rsa, "alice"));
    }

    @Test
    void whileTheKeySetIsDownKnownKeysStayAcceptedNewKeyIdsAreRefusedAndTheNodeStaysUp() throws Exception {
        RSAKey known = new RSAKeyGenerator(2048).keyID("rsa-known").generate();
        RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-next").generate();
        jwks.publish(known);
        edge = startEdge("1h");
        assertConnectsAs("alice", sign(known, "alice"));

        jwks.down(true);
        int before = jwks.requests();
        // the cached set expires and the node tries again, in vain: it keeps the keys it has
        await().atMost(WAIT).untilAsserted(() -> {
            assertConnectsAs("alice", sign(known, "alice"));
            assertThat(jwks.requests()).isGreaterThan(before);
        });
        assertConnectsAs("alice", sign(known, "alice"));
        // a key it has never seen cannot be told from a forged one: refused as any unknown key is
        assertRefused(sign(next, "bob"), 401, "bad-signature");
        assertThat(RawWebSocket.handshake(edge.ws(), Map.of()).status()).as("the node still answers").isEqualTo(401);

        // the provider is back, with its next key: accepted once fetched
        jwks.publish(known, next);
        jwks.down(false);
        await().atMost(WAIT).untilAsserted(() -> assertThat(handshake(sign(next, "bob")).status()).isEqualTo(101));
        assertConnectsAs("bob", sign(next, "bob"));
    }

    @Test
    void withoutOutageToleranceEveryJwksTokenIsRefusedWith503OnceTheCacheExpired() throws Exception {
        RSAKey known = new RSAKeyGenerator(2048).keyID("rsa-known").generate();
        jwks.publish(known);
        edge = startEdge("0s");
        assertConnectsAs("alice", sign(known, "alice"));

        jwks.down(true);
        await().atMost(WAIT).untilAsserted(() -> assertRefused(sign(known, "alice"), 503, "keys-unavailable"));

        jwks.down(false);
        await().atMost(WAIT).untilAsserted(() -> assertThat(handshake(sign(known, "alice")).status()).isEqualTo(101));
    }

    private EdgeNode startEdge(String outageTolerance) {
        return EdgeNode.start(redis.url(), kafka.bootstrapServers(), topic,
                "herald.edge.auth.hs256-secret=",
                "herald.edge.auth.jwks-uri=" + jwks.uri(),
                "herald.edge.auth.issuer=" + ISSUER,
                "herald.edge.auth.jwks.cache-ttl=" + CACHE_TTL,
                "herald.edge.auth.jwks.refresh-min-interval=" + REFRESH_MIN_INTERVAL,
                "herald.edge.auth.jwks.outage-tolerance=" + outageTolerance);
    }

    /** The handshake succeeds and the session is {@code user}'s: its own channel is granted. */
    private void assertConnectsAs(String user, String token) {
        try (WsTestClient client = WsTestClient.connect(edge.ws(token))) {
            client.send(SubscriptionIT.subscribe("user:" + user, null));
            client.awaitFrame(f -> Frames.is(f, "subscribed", "user:" + user), WAIT);
        }
    }

    private void assertRefused(String token, int status, String code) {
        RawWebSocket.Answer answer = handshake(token);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(Frames.parse(answer.body()).path("code").asString()).isEqualTo(code);
    }

    private RawWebSocket.Answer handshake(String token) {
        return RawWebSocket.handshake(edge.ws(token), Map.of());
    }

    private static String sign(JWK key, String subject) throws JOSEException {
        JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
        JWSAlgorithm algorithm = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims(subject));
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static JWTClaimsSet claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER)
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
    }
}
