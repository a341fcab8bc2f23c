package io.herald.engine.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.EnvelopeLimits;
import io.herald.core.envelope.InvalidEnvelopeException.Reason;
import io.herald.redis.Retention;
import io.herald.engine.retention.RetentionDefaults;
import io.herald.engine.retention.RetentionOverride;
import io.herald.engine.retention.RetentionSettings;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.kafka.TopicLayout;
import io.herald.engine.apply.CommandDecoder.Accepted;
import io.herald.engine.apply.CommandDecoder.Decoded;
import io.herald.engine.apply.CommandDecoder.Rejected;
import io.herald.engine.retention.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class CommandDecoderTest {

    private static final long TIMESTAMP = 1_764_300_123_456L;

    private final CommandDecoder decoder = new CommandDecoder(new RecordDecoder(new EnvelopeCodec(new EnvelopeLimits(1024))),
            new RetentionPolicy(new RetentionSettings(new RetentionDefaults(1000, Duration.ofHours(24), Duration.ofDays(7)),
                    Map.of("topic", new RetentionOverride(10, Duration.ofMinutes(5), null)))));

    private static ConsumerRecord<byte[], byte[]> record(String key, String value) {
        return record(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
        return new ConsumerRecord<>("herald.notifications", 2, 41, TIMESTAMP, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, new RecordHeaders(),
                Optional.empty());
    }

    private ApplyCommand accepted(ConsumerRecord<byte[], byte[]> record) {
        Decoded decoded = decoder.decode(record, TopicLayout.of("herald.notifications", 3));
        assertThat(decoded).isInstanceOf(Accepted.class);
        return ((Accepted) decoded).command();
    }

    private Rejected rejected(ConsumerRecord<byte[], byte[]> record) {
        Decoded decoded = decoder.decode(record, TopicLayout.of("herald.notifications", 3));
        assertThat(decoded).isInstanceOf(Rejected.class);
        return (Rejected) decoded;
    }

    @Test
    void validRecordBecomesACommandWithCanonicalJsonPositionAndRetention() {
        ApplyCommand command = accepted(record("topic:orders",
                "{ \"type\":\"order.shipped\", \"channel\":\"topic:orders\", \"data\":{\"n\":1}, \"id\":\"abc-1\", \"createdAt\":5 }"));

        assertThat(command.channel().value()).isEqualTo("topic:orders");
        assertThat(command.offset()).isEqualTo(41);
        assertThat(command.partition()).isEqualTo(2);
        assertThat(command.envelopeJson()).isEqualTo(
                "{\"id\":\"abc-1\",\"channel\":\"topic:orders\",\"type\":\"order.shipped\",\"data\":{\"n\":1},\"createdAt\":5,\"expiresAt\":null}");
        assertThat(command.retention()).isEqualTo(new Retention(10, Duration.ofMinutes(5), Duration.ofDays(7)));
    }

    @Test
    void missingIdAndCreatedAtComeFromTheRecordSoEveryApplyAgreesOnThem() {
        ConsumerRecord<byte[], byte[]> record = record("user:42", "{\"channel\":\"user:42\",\"type\":\"t\",\"data\":{}}");
        String expectedId = "k-herald.notifications-2-41";

        assertThat(accepted(record).envelopeJson()).isEqualTo("{\"id\":\"" + expectedId
                + "\",\"channel\":\"user:42\",\"type\":\"t\",\"data\":{},\"createdAt\":" + TIMESTAMP + ",\"expiresAt\":null}");
        assertThat(accepted(record).envelopeJson()).isEqualTo(accepted(record).envelopeJson());
    }

    @Test
    void keyThatIsNotTheChannelIsRejected() {
        Rejected rejected = rejected(record("user:43", "{\"channel\":\"user:42\",\"type\":\"t\",\"data\":{}}"));

        assertThat(rejected.error().reason()).isEqualTo(Reason.KEY_MISMATCH);
        assertThat(rejected.error().field()).isEqualTo("/channel");
    }

    @Test
    void recordWithoutKeyIsRejected() {
        Rejected rejected = rejected(record(null, "{\"channel\":\"user:42\",\"type\":\"t\",\"data\":{}}"));

        assertThat(rejected.error().reason()).isEqualTo(Reason.KEY_MISMATCH);
        assertThat(rejected.error().field()).isEqualTo("/channel");
    }

    @Test
    void valueThatIsNotJsonIsRejected() {
        assertThat(rejected(record("user:42", "not json")).error().reason()).isEqualTo(Reason.MALFORMED_JSON);
    }

    @Test
    void oversizedValueIsRejectedBeforeParsing() {
        // not JSON either: the size check must come first
        byte[] value = new byte[new EnvelopeLimits(1024).maxRecordBytes() + 1];
        Arrays.fill(value, (byte) '{');

        Rejected rejected = rejected(record("user:42".getBytes(StandardCharsets.UTF_8), value));

        assertThat(rejected.error().reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void recordWithoutValueIsRejected() {
        assertThat(rejected(record("user:42", null)).error().reason()).isEqualTo(Reason.MALFORMED_JSON);
    }

    @Test
    void unknownFieldAndBadChannelAreRejectedWithTheirField() {
        Rejected unknown = rejected(record("user:42", "{\"channel\":\"user:42\",\"type\":\"t\",\"data\":{},\"extra\":1}"));
        assertThat(unknown.error().reason()).isEqualTo(Reason.UNKNOWN_FIELD);
        assertThat(unknown.error().field()).isEqualTo("/extra");

        Rejected channel = rejected(record("User 42", "{\"channel\":\"User 42\",\"type\":\"t\",\"data\":{}}"));
        assertThat(channel.error().reason()).isEqualTo(Reason.INVALID_CHANNEL);
        assertThat(channel.error().field()).isEqualTo("/channel");
    }
}
