package io.herald.ingest.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.support.Http;
import io.herald.ingest.support.IngestTest;
import io.herald.ingest.support.ProblemAssertions;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.TestPropertySource;

/**
 * Malformed and boundary inputs, table-driven: each gets the answer it deserves and none a 500. Every refusal is
 * a problem document without internals.
 */
@TestPropertySource(properties = "herald.kafka.topic=" + MalformedInputTest.TOPIC)
class MalformedInputTest extends IngestTest {

    static final String TOPIC = "malformed-test.notifications";
    private static final String ONE = "/v1/notifications";
    private static final String BATCH = "/v1/notifications/batch";
    private static final String JSON = "application/json";
    private static final int DATA_LIMIT = 64 * 1024;
    private static final int BODY_LIMIT = 128 * 1024;

    static Stream<Arguments> inputs() {
        return Stream.of(
                // the document itself
                row("empty body", ONE, JSON, bytes(""), 400),
                row("whitespace", ONE, JSON, bytes("  \n\t "), 400),
                row("null", ONE, JSON, bytes("null"), 400),
                row("number", ONE, JSON, bytes("123"), 400),
                row("string", ONE, JSON, bytes("\"user:1\""), 400),
                row("array", ONE, JSON, bytes("[]"), 400),
                row("empty object", ONE, JSON, bytes("{}"), 400),
                row("two documents", ONE, JSON, bytes(envelope("\"two\"") + envelope("\"two\"")), 400),
                row("trailing garbage", ONE, JSON, bytes(envelope("\"trailing\"") + " xyz"), 400),
                row("deep nesting", ONE, JSON, bytes("[".repeat(60_000) + "]".repeat(60_000)), 400),
                row("deep nesting in data", ONE, JSON, bytes(envelopeWithData(nested(5000))), 400),
                row("moderate nesting in data", ONE, JSON, bytes(envelopeWithData(nested(200))), 202),
                row("duplicate key in data", ONE, JSON, bytes(envelopeWithData("{\"a\":1,\"a\":2}")), 400),
                row("invalid UTF-8", ONE, JSON, concat(bytes("{\"channel\":\"user:1\",\"type\":\"t"), new byte[] {(byte) 0xC3, 0x28},
                        bytes("\",\"data\":{}}")), 400),
                // the codec detects the encoding as RFC 8259 allows; the record is canonical UTF-8 either way
                row("UTF-8 BOM", ONE, JSON, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes(envelope("\"bom\""))), 202),
                row("UTF-16", ONE, JSON, envelope("\"utf16\"").getBytes(StandardCharsets.UTF_16), 202),
                row("latin-1 declared", ONE, "application/json;charset=ISO-8859-1",
                        "{\"channel\":\"user:1\",\"type\":\"caf\u00e9\",\"data\":{}}".getBytes(StandardCharsets.ISO_8859_1), 400),
                row("charset parameter", ONE, "application/json; charset=utf-8", bytes(envelope("\"charset\"")), 202),
                // field values
                row("unicode everywhere it is allowed", ONE, JSON,
                        bytes("{\"channel\":\"user:u\",\"type\":\"\ud83d\udce6 \u05e9\u05dc\u05d5\u05dd\",\"data\":{\"\u00fc\":\"\u4e2d\u6587\"}}"), 202),
                // written back escaped (\\uD800): valid JSON all the way to the client
                row("escaped lone surrogate", ONE, JSON, bytes(envelopeWithData("{\"s\":\"\\ud800\"}")), 202),
                row("escaped NUL", ONE, JSON, bytes("{\"channel\":\"user:1\",\"type\":\"a\\u0000b\",\"data\":{}}"), 202),
                row("unicode channel", ONE, JSON, bytes("{\"channel\":\"user:\u00fc\",\"type\":\"t\",\"data\":{}}"), 400),
                row("namespace of 32", ONE, JSON, bytes(withChannel("a".repeat(32) + ":x")), 202),
                row("namespace of 33", ONE, JSON, bytes(withChannel("a".repeat(33) + ":x")), 400),
                row("name of 128", ONE, JSON, bytes(withChannel("user:" + "n".repeat(128))), 202),
                row("name of 129", ONE, JSON, bytes(withChannel("user:" + "n".repeat(129))), 400),
                row("channel without name", ONE, JSON, bytes(withChannel("user:")), 400),
                row("id of 64", ONE, JSON, bytes(envelope("\"" + "i".repeat(64) + "\"")), 202),
                row("id of 65", ONE, JSON, bytes(envelope("\"" + "i".repeat(65) + "\"")), 400),
                row("id a number", ONE, JSON, bytes(envelope("42")), 400),
                row("id null", ONE, JSON, bytes(envelope("null")), 202),
                row("type of 128", ONE, JSON, bytes("{\"channel\":\"user:1\",\"type\":\"" + "t".repeat(128) + "\",\"data\":{}}"), 202),
                row("type of 129", ONE, JSON, bytes("{\"channel\":\"user:1\",\"type\":\"" + "t".repeat(129) + "\",\"data\":{}}"), 400),
                row("blank type", ONE, JSON, bytes("{\"channel\":\"user:1\",\"type\":\"  \",\"data\":{}}"), 400),
                row("data null", ONE, JSON, bytes(envelopeWithData("null")), 400),
                row("data an array", ONE, JSON, bytes(envelopeWithData("[1]")), 400),
                row("data at the limit", ONE, JSON, bytes(envelopeWithData(dataOfSize(DATA_LIMIT))), 202),
                row("data one byte over", ONE, JSON, bytes(envelopeWithData(dataOfSize(DATA_LIMIT + 1))), 400),
                row("createdAt huge", ONE, JSON, bytes(withTimes("99999999999999999999999", "null")), 400),
                row("createdAt 1e400", ONE, JSON, bytes(withTimes("1e400", "null")), 400),
                row("createdAt fractional", ONE, JSON, bytes(withTimes("1.5", "null")), 400),
                row("createdAt negative", ONE, JSON, bytes(withTimes("-1", "null")), 400),
                row("createdAt max long", ONE, JSON, bytes(withTimes(Long.toString(Long.MAX_VALUE), Long.toString(Long.MAX_VALUE))), 202),
                row("expiresAt a string", ONE, JSON, bytes(withTimes("1", "\"tomorrow\"")), 400),
                // bodies at the size limit
                row("body at the limit", ONE, JSON, bytes(padded(envelope("\"padded\""), BODY_LIMIT)), 202),
                row("body one byte over", ONE, JSON, bytes(padded(envelope("\"padded\""), BODY_LIMIT + 1)), 413),
                // content types
                row("no JSON content type", ONE, "text/plain", bytes(envelope("\"ct\"")), 415),
                row("form content type", ONE, "application/x-www-form-urlencoded", bytes("channel=user:1"), 415),
                row("JSON-like content type", ONE, "application/problem+json", bytes(envelope("\"ct\"")), 415),
                // recipients
                row("recipient of 128", ONE, JSON, bytes("{\"recipients\":[\"" + "r".repeat(128) + "\"],\"type\":\"t\",\"data\":{}}"), 202),
                row("recipient of 129", ONE, JSON, bytes("{\"recipients\":[\"" + "r".repeat(129) + "\"],\"type\":\"t\",\"data\":{}}"), 400),
                row("empty recipient", ONE, JSON, bytes("{\"recipients\":[\"\"],\"type\":\"t\",\"data\":{}}"), 400),
                row("recipients null", ONE, JSON, bytes("{\"recipients\":null,\"type\":\"t\",\"data\":{}}"), 400),
                row("recipients nested", ONE, JSON, bytes("{\"recipients\":[[\"a\"]],\"type\":\"t\",\"data\":{}}"), 400),
                // batches
                row("batch item null", BATCH, JSON, bytes("{\"notifications\":[null]}"), 200),
                row("batch item a number", BATCH, JSON, bytes("{\"notifications\":[1,[],\"x\"]}"), 200),
                row("batch null", BATCH, JSON, bytes("{\"notifications\":null}"), 400),
                row("batch empty body", BATCH, JSON, bytes(""), 400),
                row("batch deep nesting", BATCH, JSON, bytes("{\"notifications\":" + "[".repeat(60_000) + "]".repeat(60_000) + "}"), 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void answersEveryInputWithoutA500(String name, String path, String contentType, byte[] body, int expected) {
        HttpResponse<String> response = http().post(path, contentType, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        ProblemAssertions.assertNoInternals(response);
        if (expected >= 400) {
            assertThat(Http.contentType(response)).isEqualTo("application/problem+json");
            assertThat(Http.json(response).get("type").stringValue()).startsWith(ProblemAssertions.TYPE_BASE);
        }
    }

    private static Arguments row(String name, String path, String contentType, byte[] body, int expected) {
        return Arguments.of(name, path, contentType, body, expected);
    }

    private static String envelope(String id) {
        return "{\"id\":" + id + ",\"channel\":\"user:table\",\"type\":\"t\",\"data\":{}}";
    }

    private static String envelopeWithData(String data) {
        return "{\"channel\":\"user:table\",\"type\":\"t\",\"data\":" + data + "}";
    }

    private static String withChannel(String channel) {
        return "{\"channel\":\"" + channel + "\",\"type\":\"t\",\"data\":{}}";
    }

    private static String withTimes(String createdAt, String expiresAt) {
        return "{\"channel\":\"user:table\",\"type\":\"t\",\"data\":{},\"createdAt\":" + createdAt + ",\"expiresAt\":" + expiresAt + "}";
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** A data object whose compact encoding is exactly {@code size} bytes: {"x":"..."}. */
    private static String dataOfSize(int size) {
        return "{\"x\":\"" + "x".repeat(size - 8) + "\"}";
    }

    /** The document followed by whitespace up to {@code size} bytes. */
    private static String padded(String document, int size) {
        return document + " ".repeat(size - document.length());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
