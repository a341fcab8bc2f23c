package io.herald.core.resume;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The resume token codec over generated inputs: round-trips, and refusals only as InvalidResumeTokenException. */
class ResumeTokenProperties {

    @Property
    void decodeReadsBackWhatEncodeWrites(@ForAll("tokens") ResumeToken token) {
        assertThat(ResumeToken.decode(token.encode())).isEqualTo(token);
    }

    @Property
    void anyTextDecodesOrIsRefusedWithInvalidResumeTokenException(@ForAll("tokenLike") String text) {
        try {
            ResumeToken token = ResumeToken.decode(text);
            assertThat(token.positions()).hasSizeLessThanOrEqualTo(ResumeToken.MAX_CHANNELS);
        } catch (InvalidResumeTokenException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property
    void anyJsonTextInBase64DecodesOrIsRefusedWithInvalidResumeTokenException(@ForAll("jsonLike") String json) {
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        try {
            ResumeToken.decode(token);
        } catch (InvalidResumeTokenException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<ResumeToken> tokens() {
        Arbitrary<ChannelName> channels = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8),
                Arbitraries.strings().withChars("abcXYZ0129_.:@-").ofMinLength(1).ofMaxLength(30))
                .as((namespace, name) -> ChannelName.parse(namespace + ":" + name));
        Arbitrary<Position> positions = Arbitraries.oneOf(Arbitraries.just(Position.NONE),
                Arbitraries.longs().between(0, Position.MAX_OFFSET).map(Position::ofOffset));
        return Arbitraries.maps(channels, positions).ofMaxSize(20).map(ResumeToken::new);
    }

    @Provide
    Arbitrary<String> tokenLike() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("ABCabc019-_+/=").ofMaxLength(60));
    }

    /** Fragments of the token's JSON shape, glued at random: objects, wrong types, bad channels and positions. */
    @Provide
    Arbitrary<String> jsonLike() {
        Arbitrary<String> key = Arbitraries.of("\"user:1\"", "\"nocolon\"", "\"a:b\"", "\"\"", "1");
        Arbitrary<String> value = Arbitraries.of("\"1-1\"", "\"0-0\"", "\"9223372036854775807-1\"",
                "\"9223372036854775806-1\"", "\"x\"", "1", "null", "[]", "{}", "\"-1\"");
        Arbitrary<String> pair = Combinators.combine(key, value).as((k, v) -> k + ":" + v);
        Arbitrary<String> object = pair.list().ofMaxSize(4).map(pairs -> "{" + String.join(",", pairs) + "}");
        return Arbitraries.oneOf(object, Arbitraries.of("[]", "null", "1", "\"s\"", "{", "{\"a\":"),
                Arbitraries.strings().ofMaxLength(30));
    }
}
