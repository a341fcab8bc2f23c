package io.herald.core.envelope;

import io.herald.core.channel.ChannelName;
import io.herald.core.channel.InvalidChannelException;
import io.herald.core.envelope.InvalidEnvelopeException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes the envelope's JSON form, the one format shared by the HTTP API, Kafka records, the
 * Redis log and the wire. Decoding is strict (unknown fields, wrong types and duplicate keys are refused,
 * each naming the field) so that every entry point accepts exactly the same documents. Encoding is
 * canonical: fixed field order, compact, {@code expiresAt} always present.
 */
public final class EnvelopeCodec {

    static final Set<String> FIELDS = Set.of("id", "channel", "type", "data", "createdAt", "expiresAt");
    private static final int MAX_TYPE_LENGTH = 128;

    private final JsonMapper mapper;
    private final EnvelopeLimits limits;

    public EnvelopeCodec(EnvelopeLimits limits) {
        this.limits = limits;
        // Decimal numbers in data stay exactly as the producer wrote them: as doubles, 1e400 became Infinity and was
        // written back as the string "Infinity", and long fractions were rounded (found by EnvelopeCodecFuzzTest).
        this.mapper = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    public EnvelopeLimits limits() {
        return limits;
    }

    /** What to fill in when the producer left the ID or the creation time out. */
    public interface Defaults {
        String id();

        long createdAt();
    }

    public Envelope decode(byte[] json, Defaults defaults) {
        if (json.length > limits.maxRecordBytes()) {
            throw new InvalidEnvelopeException(Reason.TOO_LARGE, "",
                    "envelope is " + json.length + " bytes, more than the " + limits.maxRecordBytes() + " accepted");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidEnvelopeException(Reason.MALFORMED_JSON, "", "body is not valid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            throw outOfRange(e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidEnvelopeException(Reason.MALFORMED_JSON, "", "body is empty; expected a JSON object");
        }
        return decode(root, defaults);
    }

    public Envelope decode(JsonNode root, Defaults defaults) {
        if (root == null || !root.isObject()) {
            throw new InvalidEnvelopeException(Reason.NOT_AN_OBJECT, "", "envelope must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!FIELDS.contains(field.getKey())) {
                throw new InvalidEnvelopeException(Reason.UNKNOWN_FIELD, "/" + field.getKey(),
                        "unknown field '" + abbreviate(field.getKey()) + "'; allowed: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        String id = optionalString(root, "id");
        if (id == null) {
            id = defaults.id();
        } else if (!EnvelopeIds.isValid(id)) {
            throw new InvalidEnvelopeException(Reason.INVALID_VALUE, "/id", "id must be " + EnvelopeIds.rule());
        }
        String channelText = optionalString(root, "channel");
        if (channelText == null) {
            throw new InvalidEnvelopeException(Reason.MISSING_FIELD, "/channel", "channel is required");
        }
        ChannelName channel = channel(channelText);
        String type = optionalString(root, "type");
        if (type == null) {
            throw new InvalidEnvelopeException(Reason.MISSING_FIELD, "/type", "type is required");
        }
        checkType(type);
        JsonNode data = root.get("data");
        if (data == null || data.isNull()) {
            throw new InvalidEnvelopeException(Reason.MISSING_FIELD, "/data", "data is required (a JSON object)");
        }
        if (!data.isObject()) {
            throw new InvalidEnvelopeException(Reason.WRONG_TYPE, "/data", "data must be a JSON object");
        }
        Long createdAt = optionalMillis(root, "createdAt");
        Long expiresAt = optionalMillis(root, "expiresAt");
        Envelope envelope = new Envelope(id, channel, type, (ObjectNode) data,
                createdAt == null ? defaults.createdAt() : createdAt, expiresAt);
        checkDataSize(envelope.data());
        return envelope;
    }

    /** Checks an envelope built in code (by {@link EnvelopeBuilder}) against the same rules as a decoded one. */
    public Envelope validate(Envelope envelope) {
        if (!EnvelopeIds.isValid(envelope.id())) {
            throw new InvalidEnvelopeException(Reason.INVALID_VALUE, "/id", "id must be " + EnvelopeIds.rule());
        }
        checkType(envelope.type());
        checkMillis("/createdAt", envelope.createdAt());
        if (envelope.expiresAt() != null) {
            checkMillis("/expiresAt", envelope.expiresAt());
        }
        checkDataSize(envelope.data());
        return envelope;
    }

    public byte[] encode(Envelope envelope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("id", envelope.id());
            g.writeStringProperty("channel", envelope.channel().value());
            g.writeStringProperty("type", envelope.type());
            g.writeName("data");
            g.writeTree(envelope.data());
            g.writeNumberProperty("createdAt", envelope.createdAt());
            if (envelope.expiresAt() == null) {
                g.writeNullProperty("expiresAt");
            } else {
                g.writeNumberProperty("expiresAt", envelope.expiresAt());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Parses a JSON object, for callers that need the same strict parser (duplicate keys refused). */
    public JsonNode readTree(byte[] json) {
        try {
            return mapper.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidEnvelopeException(Reason.MALFORMED_JSON, "", "body is not valid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            throw outOfRange(e);
        }
    }

    /** Jackson refuses a number beyond what it will hold exactly (an exponent of millions) with an unchecked exception. */
    private static InvalidEnvelopeException outOfRange(NumberFormatException e) {
        return new InvalidEnvelopeException(Reason.MALFORMED_JSON, "", "body holds a number out of range: "
                + abbreviate(String.valueOf(e.getMessage())));
    }

    public JsonMapper mapper() {
        return mapper;
    }

    private void checkDataSize(ObjectNode data) {
        int size = mapper.writeValueAsBytes(data).length;
        if (size > limits.maxDataBytes()) {
            throw new InvalidEnvelopeException(Reason.TOO_LARGE, "/data",
                    "data is " + size + " bytes encoded, more than the " + limits.maxDataBytes() + " allowed");
        }
    }

    private static ChannelName channel(String text) {
        try {
            return ChannelName.parse(text);
        } catch (InvalidChannelException e) {
            throw new InvalidEnvelopeException(Reason.INVALID_CHANNEL, "/channel", e.getMessage());
        }
    }

    private static void checkType(String type) {
        if (type.isBlank() || type.length() > MAX_TYPE_LENGTH) {
            throw new InvalidEnvelopeException(Reason.INVALID_VALUE, "/type",
                    "type must be 1-" + MAX_TYPE_LENGTH + " characters and not blank");
        }
    }

    private static void checkMillis(String field, long value) {
        if (value < 0) {
            throw new InvalidEnvelopeException(Reason.INVALID_VALUE, field, field.substring(1) + " must be epoch milliseconds >= 0");
        }
    }

    private static String optionalString(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw new InvalidEnvelopeException(Reason.WRONG_TYPE, "/" + name, name + " must be a string");
        }
        return node.stringValue();
    }

    private static Long optionalMillis(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidEnvelopeException(Reason.WRONG_TYPE, "/" + name, name + " must be an integer (epoch milliseconds)");
        }
        long value = node.longValue();
        checkMillis("/" + name, value);
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
