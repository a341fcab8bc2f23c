package io.herald.core.envelope;

import io.herald.core.channel.ChannelName;
import java.time.Clock;
import java.time.Instant;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds an envelope in code, for producers that write straight to Kafka. {@link #build} applies the same
 * validation as the HTTP API, so a record built here is never dead-lettered for its shape.
 */
public final class EnvelopeBuilder {

    private final EnvelopeCodec codec;
    private final Clock clock;
    private String id;
    private String channel;
    private String type;
    private ObjectNode data = JsonNodeFactory.instance.objectNode();
    private Long createdAt;
    private Long expiresAt;

    public EnvelopeBuilder(EnvelopeCodec codec, Clock clock) {
        this.codec = codec;
        this.clock = clock;
    }

    /** The idempotency key; a random UUID when not set. */
    public EnvelopeBuilder id(String id) {
        this.id = id;
        return this;
    }

    public EnvelopeBuilder channel(String channel) {
        this.channel = channel;
        return this;
    }

    public EnvelopeBuilder type(String type) {
        this.type = type;
        return this;
    }

    public EnvelopeBuilder data(ObjectNode data) {
        this.data = data;
        return this;
    }

    public EnvelopeBuilder createdAt(Instant createdAt) {
        this.createdAt = createdAt.toEpochMilli();
        return this;
    }

    public EnvelopeBuilder expiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt == null ? null : expiresAt.toEpochMilli();
        return this;
    }

    public Envelope build() {
        if (channel == null) {
            throw new InvalidEnvelopeException(InvalidEnvelopeException.Reason.MISSING_FIELD, "/channel", "channel is required");
        }
        if (type == null) {
            throw new InvalidEnvelopeException(InvalidEnvelopeException.Reason.MISSING_FIELD, "/type", "type is required");
        }
        if (data == null) {
            throw new InvalidEnvelopeException(InvalidEnvelopeException.Reason.MISSING_FIELD, "/data", "data is required (a JSON object)");
        }
        ChannelName name;
        try {
            name = ChannelName.parse(channel);
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(InvalidEnvelopeException.Reason.INVALID_CHANNEL, "/channel", e.getMessage());
        }
        return codec.validate(new Envelope(id == null ? EnvelopeIds.generate() : id, name, type, data,
                createdAt == null ? clock.millis() : createdAt, expiresAt));
    }
}
