package io.herald.ingest.notification;

import io.herald.core.channel.ChannelName;
import io.herald.core.channel.InvalidChannelException;
import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.EnvelopeCodec;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.envelope.InvalidEnvelopeException.Reason;
import io.herald.ingest.auth.ProducerIdentity;
import io.herald.ingest.problem.ProblemException;
import io.herald.ingest.problem.ProblemKind;
import io.herald.ingest.problem.Problems;
import io.herald.publisher.NotificationPublisher;
import io.herald.ingest.support.Sha256;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns request bodies into submissions. Envelopes are decoded by the codec that reads Kafka records (strict:
 * unknown fields, wrong types and duplicate keys are refused), after the request-only parts are taken off: the
 * {@code recipients} shorthand and the batch wrapper.
 */
@Component
class NotificationRequests {

    static final String RECIPIENTS = "recipients";
    static final String NOTIFICATIONS = "notifications";
    private static final String USER_NAMESPACE = "user";

    private final EnvelopeCodec codec;
    private final IngestProperties properties;
    private final GeneratedDefaults defaults = new GeneratedDefaults(Clock.systemUTC());

    NotificationRequests(NotificationPublisher publisher, IngestProperties properties) {
        this.codec = publisher.codec();
        this.properties = properties;
    }

    /**
     * The body of {@code POST /v1/notifications}: one envelope, or one with {@code recipients} instead of a
     * channel, fanned out to a {@code user:<recipient>} channel each (same id, createdAt and content).
     *
     * @throws InvalidEnvelopeException the first thing wrong with the document
     * @throws ProblemException         FORBIDDEN_NAMESPACE when the producer may not publish there
     */
    Single single(byte[] body, String idempotencyKey, ProducerIdentity producer) {
        JsonNode root = codec.readTree(body);
        if (root == null || !root.isObject() || !root.has(RECIPIENTS)) {
            Envelope envelope = codec.decode(root, defaults);
            requireAllowed(producer, envelope.channel(), "/channel");
            return new Single(List.of(submission(envelope, root, idempotencyKey)), false);
        }
        String fingerprint = fingerprint(root);
        ObjectNode document = (ObjectNode) root.deepCopy();
        List<ChannelName> channels = recipients(document.remove(RECIPIENTS));
        if (document.has("channel")) {
            throw new InvalidEnvelopeException(Reason.INVALID_VALUE, "/channel", "give either channel or recipients, not both");
        }
        requireAllowed(producer, channels.get(0), "/" + RECIPIENTS);
        Envelope first = codec.decode(document.put("channel", channels.get(0).value()), defaults);
        String key = idempotencyKey != null ? idempotencyKey : providedId(root);
        List<Submission> submissions = new ArrayList<>(channels.size());
        for (ChannelName channel : channels) {
            Envelope envelope = new Envelope(first.id(), channel, first.type(), first.data(), first.createdAt(), first.expiresAt());
            submissions.add(new Submission(envelope, key, fingerprint));
        }
        return new Single(submissions, true);
    }

    /**
     * The body of {@code POST /v1/notifications/batch}: {@code {"notifications": [envelope, ...]}}. A broken
     * wrapper rejects the whole request; a broken item only itself, with a field pointing into the request.
     */
    List<BatchEntry> batch(byte[] body, String idempotencyKey, ProducerIdentity producer) {
        JsonNode root = codec.readTree(body);
        if (root == null || !root.isObject()) {
            throw new InvalidEnvelopeException(Reason.NOT_AN_OBJECT, "", "a batch must be a JSON object {\"notifications\": [...]}");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!field.getKey().equals(NOTIFICATIONS)) {
                throw new InvalidEnvelopeException(Reason.UNKNOWN_FIELD, "/" + field.getKey(),
                        "unknown field in a batch; allowed: " + NOTIFICATIONS);
            }
        }
        JsonNode items = root.get(NOTIFICATIONS);
        if (items == null || items.isNull()) {
            throw new InvalidEnvelopeException(Reason.MISSING_FIELD, "/" + NOTIFICATIONS, NOTIFICATIONS + " is required");
        }
        if (!items.isArray()) {
            throw new InvalidEnvelopeException(Reason.WRONG_TYPE, "/" + NOTIFICATIONS, NOTIFICATIONS + " must be an array");
        }
        if (items.isEmpty()) {
            throw new InvalidEnvelopeException(Reason.INVALID_VALUE, "/" + NOTIFICATIONS, NOTIFICATIONS + " is empty");
        }
        if (items.size() > properties.batch().maxItems()) {
            throw new ProblemException(ProblemKind.TOO_MANY_ITEMS, "a batch holds at most " + properties.batch().maxItems()
                    + " notifications, this one " + items.size(), "/" + NOTIFICATIONS);
        }
        List<BatchEntry> entries = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            entries.add(batchEntry(items.get(i), i, idempotencyKey, producer));
        }
        return entries;
    }

    private BatchEntry batchEntry(JsonNode item, int index, String idempotencyKey, ProducerIdentity producer) {
        String at = "/" + NOTIFICATIONS + "/" + index;
        try {
            Envelope envelope = codec.decode(item, defaults);
            requireAllowed(producer, envelope.channel(), at + "/channel");
            return new BatchEntry(submission(envelope, item, idempotencyKey == null ? null : idempotencyKey + "/" + index), null);
        } catch (InvalidEnvelopeException e) {
            return new BatchEntry(null, Problems.of(new InvalidEnvelopeException(e.reason(), at + e.field(), e.getMessage())));
        } catch (ProblemException e) {
            return new BatchEntry(null, Problems.of(e));
        }
    }

    private Submission submission(Envelope envelope, JsonNode item, String idempotencyKey) {
        String key = idempotencyKey != null ? idempotencyKey : providedId(item);
        return new Submission(envelope, key, key == null ? null : fingerprint(item));
    }

    private List<ChannelName> recipients(JsonNode recipients) {
        String field = "/" + RECIPIENTS;
        if (recipients == null || !recipients.isArray()) {
            throw new InvalidEnvelopeException(Reason.WRONG_TYPE, field, RECIPIENTS + " must be an array of user ids");
        }
        if (recipients.isEmpty() || recipients.size() > properties.maxRecipients()) {
            throw new InvalidEnvelopeException(Reason.INVALID_VALUE, field,
                    RECIPIENTS + " must name 1 to " + properties.maxRecipients() + " users, not " + recipients.size());
        }
        List<ChannelName> channels = new ArrayList<>(recipients.size());
        Set<ChannelName> seen = new HashSet<>();
        for (int i = 0; i < recipients.size(); i++) {
            JsonNode recipient = recipients.get(i);
            if (!recipient.isString()) {
                throw new InvalidEnvelopeException(Reason.WRONG_TYPE, field + "/" + i, "a recipient must be a string");
            }
            ChannelName channel;
            try {
                channel = ChannelName.parse(USER_NAMESPACE + ":" + recipient.stringValue());
            } catch (InvalidChannelException e) {
                throw new InvalidEnvelopeException(Reason.INVALID_CHANNEL, field + "/" + i, "recipient: " + e.getMessage());
            }
            if (!seen.add(channel)) {
                throw new InvalidEnvelopeException(Reason.INVALID_VALUE, field + "/" + i, "recipient '" + channel.name() + "' is listed twice");
            }
            channels.add(channel);
        }
        return channels;
    }

    private static void requireAllowed(ProducerIdentity producer, ChannelName channel, String field) {
        if (!producer.allows(channel)) {
            throw new ProblemException(ProblemKind.FORBIDDEN_NAMESPACE, "API key '" + producer.name()
                    + "' may not publish to namespace '" + channel.namespace() + "'", field);
        }
    }

    private static String providedId(JsonNode item) {
        JsonNode id = item.get("id");
        return id != null && id.isString() ? id.stringValue() : null;
    }

    // Over the item as sent (key order kept), so a byte-identical retry matches and any change does not.
    private String fingerprint(JsonNode item) {
        return Sha256.hex(codec.mapper().writeValueAsBytes(item));
    }

    /** The records one {@code POST /v1/notifications} asks for; {@code fanOut} when it named recipients. */
    record Single(List<Submission> submissions, boolean fanOut) {
    }

    /** One batch item: a submission, or the reason it was refused. */
    record BatchEntry(Submission submission, ProblemDetail rejection) {
    }
}
