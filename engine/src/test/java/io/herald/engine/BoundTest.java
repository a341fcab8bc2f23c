package io.herald.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BoundTest {

    private static final Instant NOW = Instant.parse("2025-11-28T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @ParameterizedTest
    @CsvSource({
            "2025-11-28T10:00:00Z, 2025-11-28T10:00:00Z",
            "2025-11-28T11:30+01:00, 2025-11-28T10:30:00Z",
            "90m, 2025-11-28T10:30:00Z",
            "2h, 2025-11-28T10:00:00Z",
            "7d, 2025-11-21T12:00:00Z",
            "30s, 2025-11-28T11:59:30Z",
            "PT2H, 2025-11-28T10:00:00Z",
            "P1D, 2025-11-27T12:00:00Z"})
    void readsTimesAndDurationsBeforeNow(String text, String expected) {
        assertThat(Bound.parse(text, CLOCK)).isEqualTo(new Bound.At(Instant.parse(expected)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "12345", " 42 "})
    void readsOffsets(String text) {
        assertThat(Bound.parse(text, CLOCK)).isEqualTo(new Bound.Offset(Long.parseLong(text.trim())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2025-11-28T10:00:00", "-5", "12x", "99999999999999999999"})
    void refusesAnythingElseSayingWhatIsAccepted(String text) {
        assertThatThrownBy(() -> Bound.parse(text, CLOCK)).isInstanceOf(InvalidBoundException.class)
                .hasMessageNotContaining("Exception");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2025-11-28T10:00:00"})
    void theMessageNamesTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Bound.parse(text, CLOCK)).hasMessageContaining("ISO-8601").hasMessageContaining("offset");
    }
}
