package io.herald.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.herald.edge.http.HttpProblem;
import io.herald.edge.settings.EdgeProperties;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /dev/token?user=<id>} answers {@code {"token":"<JWT>"}}: an HS256 token for {@code sub=<id>} with
 * {@code channels ["broadcast:*"]}, valid for one hour, signed with this node's secret. It hands a token to
 * anyone who asks, so it exists only with {@code herald.edge.auth.dev-tokens=true}, for the demo page and local
 * development.
 */
@RestController
@ConditionalOnBooleanProperty("herald.edge.auth.dev-tokens")
public class DevTokenController {

    private static final Logger log = LoggerFactory.getLogger(DevTokenController.class);
    static final Duration LIFETIME = Duration.ofHours(1);
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");

    private final MACSigner signer;
    private final EdgeProperties.Auth auth;
    private final HttpProblem problems;
    private final Clock clock;

    public DevTokenController(EdgeProperties properties, HttpProblem problems) {
        this.auth = properties.auth();
        this.problems = problems;
        this.clock = Clock.systemUTC();
        try {
            this.signer = new MACSigner(auth.hs256Secret().getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalStateException("herald.edge.auth.hs256-secret cannot sign HS256 tokens: " + e.getMessage(), e);
        }
        log.warn("dev tokens ENABLED (herald.edge.auth.dev-tokens=true): GET /dev/token gives anyone a token for any"
                + " user; never enable it in production");
    }

    @GetMapping("/dev/token")
    public ResponseEntity<Object> token(@RequestParam(name = "user", required = false) String user)
            throws JOSEException {
        if (user == null || !USER.matcher(user).matches()) {
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(problems.document(400, "invalid-user", "user must match [A-Za-z0-9_.:@-]{1,128}"));
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(user)
                .claim(TokenVerifier.CHANNELS_CLAIM, List.of("broadcast:*"))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)));
        if (!auth.issuer().isEmpty()) {
            claims.issuer(auth.issuer());
        }
        if (!auth.audience().isEmpty()) {
            claims.audience(auth.audience());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        jwt.sign(signer);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(Map.of("token", jwt.serialize()));
    }
}
