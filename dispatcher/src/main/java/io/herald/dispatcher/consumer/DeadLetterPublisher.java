package io.herald.dispatcher.consumer;

import io.herald.core.kafka.Topics;
import io.herald.engine.deadletter.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Produces dead letters to {@code <topic>.DLT}: the original key, value and headers, plus the
 * {@code herald.dlt.*} headers of {@link Topics} that say why. Waits for the broker's acknowledgement
 * (acks=all, idempotent producer) because the caller commits the original offsets right after.
 */
public final class DeadLetterPublisher {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final KafkaTemplate<byte[], byte[]> template;
    private final String topic;

    public DeadLetterPublisher(KafkaTemplate<byte[], byte[]> template, String notificationsTopic) {
        this.template = template;
        this.topic = Topics.deadLetters(notificationsTopic);
    }

    /** Sends all, then waits for all; throws {@link DeadLetterException} when any was not acknowledged. */
    public void publish(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        List<CompletableFuture<SendResult<byte[], byte[]>>> sends = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            sends.add(template.send(toRecord(letter)));
        }
        for (int i = 0; i < sends.size(); i++) {
            DeadLetter letter = letters.get(i);
            ConsumerRecord<byte[], byte[]> original = letter.record();
            try {
                sends.get(i).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeadLetterException("interrupted while dead-lettering", e);
            } catch (ExecutionException e) {
                log.warn("dead-letter publish failed, the batch will be retried topic={} partition={} offset={} error={}",
                        original.topic(), original.partition(), original.offset(), e.getCause().toString());
                throw new DeadLetterException("dead-letter publish failed", e.getCause());
            }
            log.warn("record dead-lettered topic={} partition={} offset={} reason={} field={} message=\"{}\"",
                    original.topic(), original.partition(), original.offset(), letter.reason(), letter.field(),
                    letter.message());
        }
    }

    private ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter) {
        ConsumerRecord<byte[], byte[]> original = letter.record();
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.headers()) {
            // a redriven dead letter that fails again must carry only the latest reason
            if (!header.key().startsWith(Topics.DLT_HEADER_PREFIX)) {
                headers.add(header);
            }
        }
        headers.add(Topics.DLT_REASON, utf8(letter.reason()));
        headers.add(Topics.DLT_MESSAGE, utf8(letter.message()));
        if (letter.field() != null) {
            headers.add(Topics.DLT_FIELD, utf8(letter.field()));
        }
        headers.add(Topics.DLT_ORIGINAL_PARTITION, utf8(Integer.toString(original.partition())));
        headers.add(Topics.DLT_ORIGINAL_OFFSET, utf8(Long.toString(original.offset())));
        return new ProducerRecord<>(topic, null, original.key(), original.value(), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
