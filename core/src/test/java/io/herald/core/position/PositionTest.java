package io.herald.core.position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PositionTest {

    @Test
    void formatsAsTheRedisStreamIdOfTheKafkaOffset() {
        assertThat(Position.ofOffset(0)).hasToString("0-1");
        assertThat(Position.ofOffset(42)).hasToString("42-1");
        assertThat(Position.NONE).hasToString("0-0");
    }

    @Test
    void parsesWhatItFormats() {
        for (long offset : new long[] {0, 1, 9, 10, 123_456_789_012L, Position.MAX_OFFSET}) {
            Position position = Position.ofOffset(offset);
            assertThat(Position.parse(position.toString())).isEqualTo(position);
        }
        assertThat(Position.parse("0-0")).isEqualTo(Position.NONE);
    }

    @Test
    void ordersByOffsetWithNoneFirst() {
        assertThat(Position.NONE).isLessThan(Position.ofOffset(0));
        assertThat(Position.ofOffset(9)).isLessThan(Position.ofOffset(10));
        assertThat(Position.ofOffset(10).isAfter(Position.ofOffset(9))).isTrue();
        assertThat(Position.NONE.nextOffset()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "42", "42-0", "42-2", "-1", "a-1", "01-1", "1-1-1", "99999999999999999999-1", " 1-1", "0-1 "})
    void refusesAnythingElseWithAMessageSayingWhatIsExpected(String text) {
        assertThatThrownBy(() -> Position.parse(text))
                .isInstanceOf(InvalidPositionException.class)
                .hasMessageContaining("<kafkaOffset>-1");
    }

    @Test
    void refusesNegativeOffsets() {
        assertThatThrownBy(() -> Position.ofOffset(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** issue 16: the grammar took it, and nextOffset() overflowed into a negative Kafka offset. */
    @Test
    void refusesAnOffsetWhoseNextOffsetWouldOverflow() {
        assertThatThrownBy(() -> Position.parse(Long.MAX_VALUE + "-1"))
                .isInstanceOf(InvalidPositionException.class)
                .hasMessageContaining("beyond Kafka's offsets");
        assertThatThrownBy(() -> Position.ofOffset(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Position.ofOffset(Position.MAX_OFFSET).nextOffset()).isEqualTo(Long.MAX_VALUE);
    }
}
