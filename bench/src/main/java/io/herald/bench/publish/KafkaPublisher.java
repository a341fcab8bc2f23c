package io.herald.bench.publish;

import io.herald.bench.measure.MicroClock;
import io.herald.core.channel.ChannelName;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The end-to-end feed: records on the notifications topic as any producer writes them (key = channel, value =
 * canonical envelope, acks=all, idempotent), so that a delivery crosses Kafka, the dispatcher, Redis and the edge.
 * The producer's acknowledgement times are the first stage of the end-to-end latency.
 */
public final class KafkaPublisher implements Publisher {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<ChannelName> channels;
    private final BenchEnvelopes envelopes;
    private final Recorder acks = new Recorder(3);

    /** @param lingerMs the producer's {@code linger.ms}: 0 for latency, a few ms for a bulk load */
    public KafkaPublisher(String bootstrap, String topic, List<ChannelName> channels, BenchEnvelopes envelopes,
            int lingerMs) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, lingerMs,
                ProducerConfig.CLIENT_ID_CONFIG, "herald-bench"),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.channels = channels;
        this.envelopes = envelopes;
    }

    @Override
    public CompletionStage<?> publish(long seq, long micros, int channelIndex) {
        String channel = channels.get(channelIndex).value();
        CompletableFuture<Object> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, channel.getBytes(StandardCharsets.UTF_8),
                envelopes.json(channel, seq, micros).getBytes(StandardCharsets.UTF_8)), (metadata, error) -> {
                    if (error != null) {
                        acked.completeExceptionally(error);
                    } else {
                        acks.recordValue(Math.max(0, MicroClock.nowMicros() - micros));
                        acked.complete(metadata);
                    }
                });
        return acked;
    }

    @Override
    public Histogram takeAckLatencies() {
        return acks.getIntervalHistogram();
    }

    @Override
    public void close() {
        producer.close();
    }
}
