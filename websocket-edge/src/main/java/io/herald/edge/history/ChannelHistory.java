package io.herald.edge.history;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.edge.settings.EdgeProperties;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * Everything a channel published after a position, in order and provably without a gap: from the Redis log
 * while its {@code prev} chain links up ({@link LiveMessage#continues}: the cursor need not be a notification of
 * the channel, only at or after the entry's {@code prev}), from Kafka for any stretch the log cannot prove, and a
 * gap reported to the listener only where Kafka no longer holds the stretch either.
 */
@Component
public class ChannelHistory {

    private final RedisLog redisLog;
    private final KafkaLog kafkaLog;
    private final int pageSize;

    public ChannelHistory(RedisLog redisLog, KafkaLog kafkaLog, EdgeProperties properties) {
        this.redisLog = redisLog;
        this.kafkaLog = kafkaLog;
        this.pageSize = properties.recovery().pageSize();
    }

    /**
     * Where a subscribe without a position starts: the channel's last applied position, or, when Redis has no meta
     * for it (never written, expired, or Redis lost it), the end of the Kafka partition it lives in, so that only
     * notifications published from now on are delivered. Throws when Redis cannot be reached; the future fails when
     * Kafka cannot (it completes on Kafka's admin thread when Kafka had to be asked).
     */
    public CompletableFuture<Position> end(ChannelName channel) {
        Position last = redisLog.last(channel);
        return last != null ? CompletableFuture.completedFuture(last) : kafkaLog.end(channel);
    }

    /**
     * Hands the listener everything after {@code from}. Throws when Redis or Kafka cannot be reached (the
     * caller retries from where the listener got to). What the last read found may still be queued, unflushed: the
     * caller sends it with whatever ends its catch-up ({@code subscribed}), in one write.
     */
    public Recovery after(ChannelName channel, Position from, HistoryListener listener) {
        Position cursor = from;
        long replayed = 0;
        int gaps = 0;
        boolean usedKafka = false;
        while (true) {
            listener.flush(); // what the last read found leaves before the next read, which may take a while
            List<LiveMessage> page = redisLog.after(channel, cursor, pageSize);
            if (page.isEmpty()) {
                Position last = redisLog.last(channel);
                if (last != null && !last.isAfter(cursor)) {
                    return new Recovery(usedKafka ? Recovery.Source.KAFKA : Recovery.Source.HOT, replayed, gaps, cursor);
                }
                // Redis shows nothing after the cursor yet cannot vouch that nothing happened: ask Kafka
                Recovery tail = kafkaLog.read(channel, cursor, null, listener);
                return new Recovery(Recovery.Source.KAFKA, replayed + tail.replayed(), gaps + tail.gaps(), tail.last());
            }
            for (LiveMessage entry : page) {
                if (!entry.continues(cursor)) {
                    listener.flush();
                    Recovery fill = kafkaLog.read(channel, cursor, entry.id(), listener);
                    usedKafka = true;
                    replayed += fill.replayed();
                    gaps += fill.gaps();
                }
                listener.entry(entry);
                cursor = entry.id();
                replayed++;
            }
            if (page.size() < pageSize) {
                return new Recovery(usedKafka ? Recovery.Source.KAFKA : Recovery.Source.HOT, replayed, gaps, cursor);
            }
        }
    }
}
