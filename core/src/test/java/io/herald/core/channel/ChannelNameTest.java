package io.herald.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"user:42", "topic:orders", "broadcast:all", "a:b", "ns_1-x:Name.with:colons@and-dashes_"})
    void acceptsTheGrammar(String value) {
        ChannelName channel = ChannelName.parse(value);
        assertThat(channel.value()).isEqualTo(value);
        assertThat(channel.namespace() + ":" + channel.name()).isEqualTo(value);
    }

    @Test
    void splitsAtTheFirstColon() {
        ChannelName channel = ChannelName.parse("topic:a:b");
        assertThat(channel.namespace()).isEqualTo("topic");
        assertThat(channel.name()).isEqualTo("a:b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "user", ":42", "user:", "User:42", "1user:42", "user:4 2", "user:\"x", "user:{x}",
            "user:é", "abcdefghijklmnopqrstuvwxyzabcdefg:1"})
    void refusesEverythingElse(String value) {
        assertThatThrownBy(() -> ChannelName.parse(value)).isInstanceOf(InvalidChannelException.class);
        assertThat(ChannelName.isValid(value)).isFalse();
    }

    @Test
    void refusesNamesLongerThan128() {
        assertThat(ChannelName.isValid("user:" + "x".repeat(128))).isTrue();
        assertThat(ChannelName.isValid("user:" + "x".repeat(129))).isFalse();
    }
}
