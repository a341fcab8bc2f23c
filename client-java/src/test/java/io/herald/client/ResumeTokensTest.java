package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ResumeTokensTest {

    @Test
    void encodesTheProtocolsExample() {
        Map<String, String> positions = new LinkedHashMap<>();
        positions.put("user:42", "1234-1");
        positions.put("broadcast:all", "99-1");
        // docs/protocol.md section 1
        assertThat(ResumeTokens.encode(JsonMapper.builder().build(), positions))
                .isEqualTo("eyJ1c2VyOjQyIjoiMTIzNC0xIiwiYnJvYWRjYXN0OmFsbCI6Ijk5LTEifQ");
    }

    @Test
    void readsAJwtsExpWithoutCheckingItAndNothingFromOtherStrings() {
        // {"alg":"HS256"} . {"sub":"42","exp":1764303600} . signature
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiIsImV4cCI6MTc2NDMwMzYwMH0.c2ln";
        assertThat(JwtExpiry.of(JsonMapper.builder().build(), jwt)).contains(Instant.ofEpochSecond(1764303600));
        assertThat(JwtExpiry.of(JsonMapper.builder().build(), "opaque-token")).isEmpty();
    }

    @Test
    void fullJitterStaysWithinTheCappedExponential() {
        Backoff backoff = new Backoff(java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(30));
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = Math.min(30_000, 500L << Math.min(attempt, 30));
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delay(attempt, random).toMillis()).isBetween(0L, ceiling);
            }
        }
    }
}
