package io.herald.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.core.envelope.InvalidEnvelopeException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvelopeCodecTest {

    private final EnvelopeCodec codec = new EnvelopeCodec(new EnvelopeLimits(64));
    private final EnvelopeCodec.Defaults defaults = new EnvelopeCodec.Defaults() {
        @Override
        public String id() {
            return "generated";
        }

        @Override
        public long createdAt() {
            return 1000;
        }
    };

    @Test
    void decodesAndEncodesCanonically() {
        Envelope envelope = codec.decode(bytes(
                "{ \"type\":\"order.shipped\", \"channel\":\"user:42\", \"data\":{\"order\":7}, \"id\":\"01JD\", \"createdAt\":5 }"),
                defaults);
        assertThat(envelope.id()).isEqualTo("01JD");
        assertThat(envelope.channel().value()).isEqualTo("user:42");
        assertThat(envelope.createdAt()).isEqualTo(5);
        assertThat(envelope.expiresAt()).isNull();
        assertThat(new String(codec.encode(envelope), StandardCharsets.UTF_8)).isEqualTo(
                "{\"id\":\"01JD\",\"channel\":\"user:42\",\"type\":\"order.shipped\",\"data\":{\"order\":7},"
                        + "\"createdAt\":5,\"expiresAt\":null}");
        assertThat(codec.decode(codec.encode(envelope), defaults)).isEqualTo(envelope);
    }

    @Test
    void fillsInTheIdAndCreationTimeWhenAbsent() {
        Envelope envelope = codec.decode(bytes("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{}}"), defaults);
        assertThat(envelope.id()).isEqualTo("generated");
        assertThat(envelope.createdAt()).isEqualTo(1000);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("not json", Reason.MALFORMED_JSON, ""),
                Arguments.of("", Reason.MALFORMED_JSON, ""),
                Arguments.of("[1]", Reason.NOT_AN_OBJECT, ""),
                Arguments.of("\"x\"", Reason.NOT_AN_OBJECT, ""),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{},\"extra\":1}", Reason.UNKNOWN_FIELD, "/extra"),
                Arguments.of("{\"type\":\"t\",\"data\":{}}", Reason.MISSING_FIELD, "/channel"),
                Arguments.of("{\"channel\":\"user\",\"type\":\"t\",\"data\":{}}", Reason.INVALID_CHANNEL, "/channel"),
                Arguments.of("{\"channel\":7,\"type\":\"t\",\"data\":{}}", Reason.WRONG_TYPE, "/channel"),
                Arguments.of("{\"channel\":\"user:1\",\"data\":{}}", Reason.MISSING_FIELD, "/type"),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\" \",\"data\":{}}", Reason.INVALID_VALUE, "/type"),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\"t\"}", Reason.MISSING_FIELD, "/data"),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":[1]}", Reason.WRONG_TYPE, "/data"),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{},\"createdAt\":\"now\"}", Reason.WRONG_TYPE, "/createdAt"),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{},\"createdAt\":1.5}", Reason.WRONG_TYPE, "/createdAt"),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{},\"expiresAt\":-1}", Reason.INVALID_VALUE, "/expiresAt"),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{},\"id\":\"has space\"}", Reason.INVALID_VALUE, "/id"),
                Arguments.of("{\"channel\":\"user:1\",\"channel\":\"user:2\",\"type\":\"t\",\"data\":{}}", Reason.MALFORMED_JSON, ""),
                Arguments.of("{\"channel\":\"user:1\",\"type\":\"t\",\"data\":{\"big\":\"" + "x".repeat(64) + "\"}}", Reason.TOO_LARGE, "/data"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void refusesInvalidEnvelopesNamingTheField(String json, Reason reason, String field) {
        assertThatThrownBy(() -> codec.decode(bytes(json), defaults))
                .isInstanceOfSatisfying(InvalidEnvelopeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    @Test
    void refusesAWholeRecordFarOverTheLimitBeforeParsingIt() {
        byte[] huge = new byte[codec.limits().maxRecordBytes() + 1];
        assertThatThrownBy(() -> codec.decode(huge, defaults))
                .isInstanceOfSatisfying(InvalidEnvelopeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
