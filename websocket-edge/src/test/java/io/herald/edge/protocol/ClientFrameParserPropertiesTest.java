package io.herald.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.core.resume.ResumeToken;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client frame parser over generated frames: well-formed frames read back what was written, and anything else
 * is refused with a {@link ProtocolException} (an {@code error} frame for the client), never another exception.
 */
class ClientFrameParserPropertiesTest {

    private final ClientFrameParser parser = new ClientFrameParser(JsonMapper.builder().build());

    @Property
    void aSubscribeReadsBackItsChannelAndPosition(@ForAll("channels") ChannelName channel,
            @ForAll("positions") Position since) {
        String frame = "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\""
                + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}";
        assertThat(parser.parse(frame)).isEqualTo(new ClientFrame.Subscribe(channel, since));
    }

    @Property
    void aResumeReadsBackItsToken(@ForAll("channels") ChannelName channel, @ForAll("positions") Position since) {
        ResumeToken token = new ResumeToken(Map.of(channel, since == null ? Position.NONE : since));
        ClientFrame frame = parser.parse("{\"op\":\"resume\",\"token\":\"" + token.encode() + "\"}");
        assertThat(frame).isInstanceOfSatisfying(ClientFrame.Resume.class,
                resume -> assertThat(resume.token()).isEqualTo(token));
    }

    @Property
    void anyTextIsAFrameOrAProtocolException(@ForAll("frameLike") String text) {
        try {
            assertThat(parser.parse(text)).isNotNull();
        } catch (ProtocolException e) {
            assertThat(e.code()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<ChannelName> channels() {
        return Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8),
                Arbitraries.strings().withChars("abcXYZ0129_.:@-").ofMinLength(1).ofMaxLength(40))
                .as((namespace, name) -> ChannelName.parse(namespace + ":" + name));
    }

    @Provide
    Arbitrary<Position> positions() {
        return Arbitraries.oneOf(Arbitraries.just(Position.NONE),
                Arbitraries.longs().between(0, Position.MAX_OFFSET).map(Position::ofOffset)).injectNull(0.2);
    }

    /** Frames assembled from plausible and hostile parts: ops, fields of every JSON type, bad values, junk. */
    @Provide
    Arbitrary<String> frameLike() {
        Arbitrary<String> key = Arbitraries.of("\"op\"", "\"channel\"", "\"since\"", "\"token\"", "\"x\"");
        Arbitrary<String> value = Arbitraries.of("\"subscribe\"", "\"unsubscribe\"", "\"resume\"", "\"refresh\"",
                "\"ping\"", "\"dance\"", "\"user:1\"", "\"nocolon\"", "\"0-0\"", "\"12-1\"", "\"9223372036854775807-1\"",
                "\"9223372036854775806-1\"", "\"%%%\"", "\"eyJ1c2VyOjQyIjoiMTIzNC0xIn0\"", "\"e30\"", "\"\"", "1",
                "-1", "1e400", "true", "null", "[]", "{}", "{\"op\":\"ping\"}");
        Arbitrary<String> pair = Combinators.combine(key, value).as((k, v) -> k + ":" + v);
        Arbitrary<String> object = pair.list().ofMaxSize(5).map(pairs -> "{" + String.join(",", pairs) + "}");
        return Arbitraries.oneOf(object, object, object,
                Arbitraries.of("", "[]", "null", "1", "\"s\"", "{", "{\"op\":", "{\"op\":\"subscribe\"", "\u0000"),
                Arbitraries.strings().ofMaxLength(60));
    }
}
