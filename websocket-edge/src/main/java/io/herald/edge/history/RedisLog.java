package io.herald.edge.history;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.herald.redis.CommandConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Reads a channel's replay log and meta from Redis (blocking calls, made from catch-up threads only). */
@Component
public class RedisLog {

    private final CommandConnection redis;

    public RedisLog(CommandConnection redis) {
        this.redis = redis;
    }

    /** Up to {@code count} entries after {@code after}, oldest first. */
    public List<LiveMessage> after(ChannelName channel, Position after, int count) {
        List<StreamMessage<String, String>> page = redis.sync().xrange(RedisKeys.log(channel),
                Range.from(Range.Boundary.excluding(after.toString()), Range.Boundary.<String>unbounded()), Limit.from(count));
        List<LiveMessage> entries = new ArrayList<>(page.size());
        for (StreamMessage<String, String> message : page) {
            Map<String, String> body = message.getBody();
            entries.add(new LiveMessage(Position.parse(message.getId()),
                    Position.parse(body.get(RedisKeys.FIELD_PREV)), body.get(RedisKeys.FIELD_ENVELOPE)));
        }
        return entries;
    }

    /** The channel's last applied position, or null when Redis has no meta for it (never written, expired or lost). */
    public Position last(ChannelName channel) {
        String last = redis.sync().hget(RedisKeys.meta(channel), RedisKeys.META_LAST);
        return last == null ? null : Position.parse(last);
    }
}
