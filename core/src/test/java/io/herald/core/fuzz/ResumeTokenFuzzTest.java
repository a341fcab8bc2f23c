package io.herald.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.core.resume.InvalidResumeTokenException;
import io.herald.core.resume.ResumeToken;

/** Any resume token a client sends decodes to channels and positions that encode and decode to themselves, or is refused. */
class ResumeTokenFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decodesOrRefusesAndRoundTrips(String token) {
        ResumeToken decoded;
        try {
            decoded = ResumeToken.decode(token);
        } catch (InvalidResumeTokenException refused) {
            return;
        }
        assertThat(ResumeToken.decode(decoded.encode())).isEqualTo(decoded);
    }
}
