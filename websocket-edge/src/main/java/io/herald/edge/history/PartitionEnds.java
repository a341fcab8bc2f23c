package io.herald.edge.history;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The ends of the topic's partitions as a read_committed consumer sees them (the last stable offsets), asked for in
 * rounds: one {@code ListOffsets} at a time answers every request made while the one before it was in flight.
 * A thousand subscribes to new channels then cost a few requests to Kafka, not a thousand, and none of them holds
 * a thread while it waits.
 *
 * <p>Every request is answered by a round that started after it was made, never by one already in flight: whoever
 * asks after subscribing (a fresh subscription, once its pub/sub subscription is confirmed) learns an end that
 * covers everything published before it subscribed, which is what makes its start gap-free.
 */
final class PartitionEnds {

    private final Admin admin;
    private final int timeoutMillis;
    private Map<TopicPartition, CompletableFuture<Long>> waiting = new HashMap<>();
    private boolean inFlight;

    PartitionEnds(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    /**
     * The partition's end, from the next round; completes exceptionally with a {@link KafkaException} when Kafka
     * does not answer within the timeout. Completed on the admin client's thread: dependants must only hand work on.
     */
    CompletableFuture<Long> end(TopicPartition partition) {
        CompletableFuture<Long> end;
        boolean start;
        synchronized (this) {
            end = waiting.computeIfAbsent(partition, tp -> new CompletableFuture<>());
            start = !inFlight;
            inFlight = true;
        }
        if (start) {
            startRound();
        }
        return end;
    }

    private void startRound() {
        Map<TopicPartition, CompletableFuture<Long>> round;
        synchronized (this) {
            if (waiting.isEmpty()) {
                inFlight = false;
                return;
            }
            round = waiting;
            waiting = new HashMap<>();
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        round.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        ListOffsetsResult result;
        try {
            result = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(timeoutMillis));
        } catch (RuntimeException e) {
            // the admin client is closed (the node is stopping): nothing will answer this round or a later one
            round.values().forEach(end -> end.completeExceptionally(new KafkaException("cannot ask kafka: " + e, e)));
            startRound();
            return;
        }
        result.all().whenComplete((offsets, error) -> {
            round.forEach((tp, end) -> {
                if (error != null) {
                    end.completeExceptionally(new KafkaException("kafka did not tell the end of " + tp + ": " + error, error));
                } else {
                    end.complete(offsets.get(tp).offset());
                }
            });
            startRound();
        });
    }
}
