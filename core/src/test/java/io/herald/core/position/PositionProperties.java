package io.herald.core.position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Position parsing and arithmetic over generated inputs: round-trips, no overflow, only the documented exception. */
class PositionProperties {

    @Property
    void parseReadsBackWhatToStringWrites(@ForAll("positions") Position position) {
        assertThat(Position.parse(position.toString())).isEqualTo(position);
    }

    @Property
    void nextOffsetNeverOverflowsAndOrderFollowsTheOffset(@ForAll("positions") Position a,
            @ForAll("positions") Position b) {
        assertThat(a.nextOffset()).isGreaterThan(a.offset()).isGreaterThanOrEqualTo(0);
        assertThat(a.isAfter(b)).isEqualTo(a.compareTo(b) > 0).isEqualTo(a.offset() > b.offset());
        assertThat(a.compareTo(b)).isEqualTo(-b.compareTo(a));
    }

    @Property
    void anyStringParsesOrIsRefusedWithInvalidPositionException(@ForAll("positionLike") String text) {
        try {
            Position position = Position.parse(text);
            assertThat(position.toString()).isEqualTo(text); // the grammar has one spelling per position
            assertThat(position.offset()).isBetween(-1L, Position.MAX_OFFSET);
        } catch (InvalidPositionException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property
    void offsetsPastTheBoundAreRefused(@ForAll @LongRange(min = Position.MAX_OFFSET + 1, max = Long.MAX_VALUE) long offset) {
        assertThatThrownBy(() -> Position.parse(offset + "-1")).isInstanceOf(InvalidPositionException.class);
        assertThatThrownBy(() -> Position.ofOffset(offset)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void digitStringsOfAnyLengthAreRefusedOrReadExactly(@ForAll("digits") String digits) {
        String text = digits + "-1";
        try {
            Position position = Position.parse(text);
            assertThat(Long.toString(position.offset())).isEqualTo(digits);
        } catch (InvalidPositionException e) {
            // leading zero, or beyond MAX_OFFSET (up to 19 digits fit a long; 20 never do)
            assertThat(digits.length() > 1 && digits.startsWith("0")
                    || new BigInteger(digits).compareTo(BigInteger.valueOf(Position.MAX_OFFSET)) > 0)
                    .isTrue();
        }
    }

    @Provide
    Arbitrary<Position> positions() {
        return Arbitraries.oneOf(
                Arbitraries.just(Position.NONE),
                Arbitraries.longs().between(0, Position.MAX_OFFSET).map(Position::ofOffset),
                Arbitraries.longs().between(Position.MAX_OFFSET - 10, Position.MAX_OFFSET).map(Position::ofOffset));
    }

    @Provide
    Arbitrary<String> digits() {
        return Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(25);
    }

    /** Mostly near-misses of the grammar, plus arbitrary text. */
    @Provide
    Arbitrary<String> positionLike() {
        Arbitrary<String> number = Arbitraries.oneOf(digits(), Arbitraries.longs().map(n -> Long.toString(n)));
        Arbitrary<String> suffix = Arbitraries.of("-1", "-0", "-2", "", "-", "-1 ", "-01", "--1");
        return Arbitraries.oneOf(
                Combinators.combine(number, suffix).as((n, s) -> n + s),
                Arbitraries.of("0-0", "0-1", "-1", "0--1", " 1-1", "1-1-1", "\u0661-1"),
                Arbitraries.strings().ofMaxLength(40));
    }
}
