package io.herald.engine.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadLetterRefTest {

    @Test
    void readsAnOffsetWithOrWithoutItsPartition() {
        assertThat(DeadLetterRef.parse("17")).isEqualTo(new DeadLetterRef(null, 17));
        assertThat(DeadLetterRef.parse("2:17")).isEqualTo(new DeadLetterRef(2, 17));
        assertThat(DeadLetterRef.parse("2:17").toString()).isEqualTo("2:17");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "1:", ":1", "-1", "1:-2", "1:2:3"})
    void refusesOtherForms(String text) {
        assertThatThrownBy(() -> DeadLetterRef.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<partition>:<offset>");
    }

    @Test
    void aRedriveNamesItsDeadLettersOrAsksForAllButNotBoth() {
        assertThatThrownBy(() -> new RedriveRequest(true, List.of(new DeadLetterRef(0, 1)), null, false, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RedriveRequest(false, List.of(), null, false, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RedriveRequest(false, List.of(new DeadLetterRef(0, 1), new DeadLetterRef(0, 2)),
                new byte[] {'{', '}'}, false, false)).hasMessageContaining("exactly one");
        assertThat(new RedriveRequest(false, List.of(new DeadLetterRef(0, 1)), new byte[] {'{', '}'}, false, false).refs())
                .hasSize(1);
    }
}
