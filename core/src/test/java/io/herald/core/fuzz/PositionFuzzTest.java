package io.herald.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.core.position.InvalidPositionException;
import io.herald.core.position.Position;

/**
 * Any text a client sends as a position is either a position that prints back as the same text, or refused with
 * {@link InvalidPositionException}: never another exception, never two texts for one position.
 */
class PositionFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesAndRoundTrips(String text) {
        Position position;
        try {
            position = Position.parse(text);
        } catch (InvalidPositionException refused) {
            return;
        }
        assertThat(position.toString()).isEqualTo(text);
        assertThat(Position.parse(position.toString())).isEqualTo(position);
    }
}
