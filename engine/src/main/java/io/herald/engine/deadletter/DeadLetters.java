package io.herald.engine.deadletter;

import io.herald.core.envelope.Envelope;
import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.core.kafka.RecordDecoder;
import io.herald.core.kafka.TopicLayout;
import io.herald.core.kafka.Topics;
import io.herald.engine.EngineException;
import io.herald.engine.KafkaAccess;
import io.herald.engine.OffsetRange;
import io.herald.engine.PartitionScan;
import io.herald.engine.Progress;
import io.herald.engine.RedisAccess;
import io.herald.redis.RedisKeys;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter topic for operators: list and show dead letters with the dispatcher's reasons, and redrive
 * them, i.e. produce the original key and value (or a corrected value) to the notifications topic again, with
 * acks=all and an idempotent producer. Each redrive is recorded in Redis ({@code herald:dlt:<dlt topic>:redriven},
 * field {@code <partition>:<offset>}), claimed before the send, so that running the same redrive twice, or two
 * operators at once, delivers a dead letter once. A dead letter that is still not a valid envelope is refused
 * rather than sent back to the dead-letter topic.
 */
public final class DeadLetters {

    /** Header on a redriven record: the dead letter it came from, {@code <dlt topic>:<partition>:<offset>}. */
    public static final String REDRIVE_SOURCE = "herald.redrive.source";
    private static final Duration MARKER_TTL = Duration.ofDays(30);

    private final KafkaAccess kafka;
    private final RedisAccess redis;
    private final RecordDecoder decoder;
    private final Clock clock;

    public DeadLetters(KafkaAccess kafka, RedisAccess redis, RecordDecoder decoder, Clock clock) {
        this.kafka = kafka;
        this.redis = redis;
        this.decoder = decoder;
        this.clock = clock;
    }

    /** The Redis hash that records redrives. */
    public String markerKey() {
        return RedisKeys.redrivenDeadLetters(kafka.deadLetterTopic());
    }

    /** Dead letters held now, per partition of the dead-letter topic. */
    public Map<Integer, Long> counts() {
        List<Integer> partitions = partitions(null);
        Map<Integer, Long> begin = kafka.beginningOffsets(kafka.deadLetterTopic(), partitions);
        Map<Integer, Long> end = kafka.endOffsets(kafka.deadLetterTopic(), partitions);
        Map<Integer, Long> counts = new LinkedHashMap<>();
        partitions.forEach(p -> counts.put(p, end.get(p) - begin.get(p)));
        return counts;
    }

    /** The newest {@code limit} dead letters (of one partition, or of all), oldest first. */
    public List<DeadLetterView> list(int limit, Integer partition) throws InterruptedException {
        List<DeadLetterView> views = new ArrayList<>();
        List<Integer> partitions = partitions(partition);
        Map<Integer, Long> begin = kafka.beginningOffsets(kafka.deadLetterTopic(), partitions);
        Map<Integer, Long> end = kafka.endOffsets(kafka.deadLetterTopic(), partitions);
        Map<String, String> markers = markers();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("herald-dlt")) {
            PartitionScan scan = new PartitionScan(kafka, consumer, kafka.deadLetterTopic(), kafka.timeout());
            for (int p : partitions) {
                OffsetRange range = new OffsetRange(p, Math.max(begin.get(p), end.get(p) - limit), end.get(p), null);
                scan.read(range, Progress.NONE, record -> views.add(view(record, markers)));
            }
        }
        views.sort(Comparator.comparing(DeadLetterView::timestamp).thenComparing(DeadLetterView::partition)
                .thenComparing(DeadLetterView::offset));
        return List.copyOf(views.subList(Math.max(0, views.size() - limit), views.size()));
    }

    /** The dead letters at that offset: one, or one per partition holding it when no partition was given. */
    public List<DeadLetterView> find(DeadLetterRef ref) throws InterruptedException {
        Map<String, String> markers = markers();
        List<DeadLetterView> found = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read(ref)) {
            found.add(view(record, markers));
        }
        return found;
    }

    public RedriveReport redrive(RedriveRequest request) throws InterruptedException {
        TopicLayout layout = kafka.layout();
        List<RedriveResult> results = new ArrayList<>();
        if (request.all()) {
            Map<String, String> markers = markers();
            List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
            List<Integer> partitions = partitions(null);
            Map<Integer, Long> begin = kafka.beginningOffsets(kafka.deadLetterTopic(), partitions);
            Map<Integer, Long> end = kafka.endOffsets(kafka.deadLetterTopic(), partitions);
            try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("herald-dlt")) {
                PartitionScan scan = new PartitionScan(kafka, consumer, kafka.deadLetterTopic(), kafka.timeout());
                for (int p : partitions) {
                    scan.read(new OffsetRange(p, begin.get(p), end.get(p), null), Progress.NONE, record -> {
                        // --all means "what is still waiting": already redriven ones are not even mentioned
                        if (request.force() || !markers.containsKey(record.partition() + ":" + record.offset())) {
                            letters.add(record);
                        }
                    });
                }
            }
            for (ConsumerRecord<byte[], byte[]> letter : letters) {
                results.add(redrive(letter, null, request, layout));
            }
            return new RedriveReport(request.dryRun(), results);
        }
        for (DeadLetterRef ref : request.refs()) {
            List<ConsumerRecord<byte[], byte[]>> found = read(ref);
            if (found.isEmpty()) {
                results.add(RedriveResult.notSent(ref.toString(), RedriveResult.Outcome.NOT_FOUND,
                        "no dead letter at " + ref + " in " + kafka.deadLetterTopic()));
            } else if (found.size() > 1) {
                results.add(RedriveResult.notSent(ref.toString(), RedriveResult.Outcome.AMBIGUOUS, "partitions "
                        + found.stream().map(r -> Integer.toString(r.partition())).toList() + " all hold offset "
                        + ref.offset() + "; name one as <partition>:<offset>"));
            } else {
                results.add(redrive(found.get(0), request.correctedValue(), request, layout));
            }
        }
        return new RedriveReport(request.dryRun(), results);
    }

    /** @param layout the topic's layout, read once per redrive: where the channel lives and what positions mean */
    private RedriveResult redrive(ConsumerRecord<byte[], byte[]> letter, byte[] corrected, RedriveRequest request,
            TopicLayout layout) {
        String ref = letter.partition() + ":" + letter.offset();
        byte[] value = corrected != null ? corrected : letter.value();
        Envelope envelope;
        try {
            // a corrected envelope names its channel, which becomes the key; otherwise the key must already match
            byte[] key = corrected != null ? channelKey(value) : letter.key();
            envelope = decoder.decode(kafka.topic(), letter.partition(), letter.offset(), letter.timestamp(), key, value);
        } catch (InvalidEnvelopeException e) {
            return RedriveResult.notSent(ref, RedriveResult.Outcome.INVALID, e.reason().code()
                    + (e.field() == null || e.field().isEmpty() ? "" : " at " + e.field()) + ": " + e.getMessage()
                    + (corrected == null ? " (redrive it with a corrected value)" : ""));
        }
        byte[] key = envelope.channel().value().getBytes(StandardCharsets.UTF_8);
        RedisClusterAsyncCommands<String, String> async = redis.commands();
        String existing = redis.await(async.hget(markerKey(), ref), "read the redrive record of " + ref);
        if (existing != null && !request.force()) {
            return RedriveResult.notSent(ref, RedriveResult.Outcome.ALREADY_REDRIVEN, "redriven before: " + existing);
        }
        if (request.dryRun()) {
            // an envelope without an id gets one from the record it is in: the new record, not the dead letter
            boolean derived = envelope.id().equals(RecordDecoder.defaultId(kafka.topic(), letter.partition(), letter.offset()));
            String id = derived ? null : envelope.id();
            return new RedriveResult(ref, RedriveResult.Outcome.WOULD_REDRIVE, "would send "
                    + (derived ? "a notification whose id is derived from its new record (k-" + kafka.topic() + "-<partition>-<offset>)" : id)
                    + " to " + envelope.channel() + " at a new position", envelope.channel().value(), id, null, null, null);
        }
        String claim = "pending@" + clock.instant();
        boolean claimed = request.force()
                ? redis.await(async.hset(markerKey(), ref, claim), "record the redrive of " + ref) != null
                : redis.await(async.hsetnx(markerKey(), ref, claim), "record the redrive of " + ref);
        if (!claimed) {
            return RedriveResult.notSent(ref, RedriveResult.Outcome.ALREADY_REDRIVEN, "being redriven by someone else");
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header header : letter.headers()) {
            if (!header.key().startsWith(Topics.DLT_HEADER_PREFIX) && !header.key().equals(REDRIVE_SOURCE)) {
                headers.add(header);
            }
        }
        headers.add(REDRIVE_SOURCE, (kafka.deadLetterTopic() + ":" + ref).getBytes(StandardCharsets.UTF_8));
        try {
            // to the channel's partition in the layout, as every Herald producer sends: one whose metadata knows a
            // growth not sealed yet, or not the growth yet, would hash the key to another
            RecordMetadata sent = kafka.producer().send(new ProducerRecord<>(kafka.topic(),
                    layout.home(envelope.channel()), key, value, headers))
                    .get(kafka.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            String done = sent.partition() + ":" + sent.offset() + "@" + clock.instant();
            redis.await(async.hset(markerKey(), ref, done), "record the redrive of " + ref);
            redis.await(async.expire(markerKey(), MARKER_TTL.toSeconds()), "refresh the redrive records");
            // what clients receive is the new record as the dispatcher decodes it: its position, and its id when
            // the envelope names none (derived from the new record's coordinates, not the dead letter's)
            Envelope delivered = decoder.decode(kafka.topic(), sent.partition(), sent.offset(), sent.timestamp(), key, value);
            String position = layout.position(sent.partition(), sent.offset()).toString();
            return new RedriveResult(ref, RedriveResult.Outcome.REDRIVEN, "sent " + delivered.id() + " to "
                    + delivered.channel() + " at position " + position + " (" + kafka.topic() + " " + sent.partition()
                    + ":" + sent.offset() + ")", delivered.channel().value(), delivered.id(), position, sent.partition(),
                    sent.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(ref, async, "interrupted before Kafka acknowledged");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return failed(ref, async, "kafka did not acknowledge: " + EngineException.describe(e));
        }
    }

    private RedriveResult failed(String ref, RedisClusterAsyncCommands<String, String> async, String why) {
        try {
            redis.await(async.hdel(markerKey(), ref), "release the redrive claim of " + ref);
        } catch (EngineException e) {
            why += "; the claim could not be released (" + e.getMessage() + "): redrive it with --force";
        }
        return RedriveResult.notSent(ref, RedriveResult.Outcome.FAILED, why);
    }

    /** The channel a corrected envelope names, as the record key; null when it names none (decoding then says why). */
    private byte[] channelKey(byte[] value) {
        try {
            String channel = decoder.codec().readTree(value).path("channel").asString(null);
            return channel == null ? null : channel.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> read(DeadLetterRef ref) throws InterruptedException {
        List<Integer> partitions = partitions(ref.partition());
        Map<Integer, Long> begin = kafka.beginningOffsets(kafka.deadLetterTopic(), partitions);
        Map<Integer, Long> end = kafka.endOffsets(kafka.deadLetterTopic(), partitions);
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("herald-dlt")) {
            PartitionScan scan = new PartitionScan(kafka, consumer, kafka.deadLetterTopic(), kafka.timeout());
            for (int p : partitions) {
                if (ref.offset() >= begin.get(p) && ref.offset() < end.get(p)) {
                    scan.read(new OffsetRange(p, ref.offset(), ref.offset() + 1, null), Progress.NONE, record -> {
                        if (record.offset() == ref.offset()) {
                            found.add(record);
                        }
                    });
                }
            }
        }
        return found;
    }

    private List<Integer> partitions(Integer only) {
        int count = kafka.partitionCount(kafka.deadLetterTopic());
        if (only != null) {
            if (only >= count) {
                throw new IllegalArgumentException(kafka.deadLetterTopic() + " has partitions 0 to " + (count - 1)
                        + ", not " + only);
            }
            return List.of(only);
        }
        return IntStream.range(0, count).boxed().toList();
    }

    private Map<String, String> markers() {
        return redis.await(redis.commands().hgetall(markerKey()), "read the redrive records");
    }

    private static DeadLetterView view(ConsumerRecord<byte[], byte[]> record, Map<String, String> markers) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        String originalPartition = headers.get(Topics.DLT_ORIGINAL_PARTITION);
        String originalOffset = headers.get(Topics.DLT_ORIGINAL_OFFSET);
        return new DeadLetterView(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                text(record.key()), text(record.value()), record.value() == null ? 0 : record.value().length,
                headers.get(Topics.DLT_REASON), headers.get(Topics.DLT_MESSAGE), headers.get(Topics.DLT_FIELD),
                parseInt(originalPartition), parseLong(originalOffset), headers,
                markers.get(record.partition() + ":" + record.offset()));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static Integer parseInt(String s) {
        try {
            return s == null ? null : Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
