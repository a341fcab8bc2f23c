package io.herald.engine.inspect;

import io.herald.core.channel.ChannelName;
import io.herald.redis.RedisKeys;
import io.herald.redis.Retention;
import io.herald.engine.RedisAccess;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a channel's meta, log ends, expiries and pub/sub subscribers from Redis, in one pipeline; on a Redis Cluster
 * every command of it goes to the primary that serves the channel's slot.
 */
public final class ChannelInspector {

    private final RedisAccess redis;
    private final JsonMapper json = JsonMapper.builder().build();

    public ChannelInspector(RedisAccess redis) {
        this.redis = redis;
    }

    /** @param retention the namespace's configured retention, or null when unknown */
    public ChannelInfo inspect(ChannelName channel, Retention retention) {
        RedisClusterAsyncCommands<String, String> async = redis.commands();
        String log = RedisKeys.log(channel);
        String meta = RedisKeys.meta(channel);
        String pubsub = RedisKeys.pubsub(channel);
        RedisFuture<Map<String, String>> metaReply = async.hgetall(meta);
        RedisFuture<Long> length = async.xlen(log);
        RedisFuture<List<StreamMessage<String, String>>> first = async.xrange(log, Range.create("-", "+"), Limit.from(1));
        RedisFuture<List<StreamMessage<String, String>>> newest = async.xrevrange(log, Range.create("-", "+"), Limit.from(1));
        RedisFuture<Long> logTtl = async.ttl(log);
        RedisFuture<Long> metaTtl = async.ttl(meta);
        // on a Redis Cluster edges SSUBSCRIBE on the channel's shard; the shard channel is the command's key, so the
        // cluster connection asks the primary that serves it
        RedisFuture<Map<String, Long>> subscribers = redis.isCluster() ? async.pubsubShardNumsub(pubsub)
                : async.pubsubNumsub(pubsub);
        Map<String, String> metaFields = redis.await(metaReply, "read the meta of " + channel);
        String part = metaFields.get(RedisKeys.META_PARTITION);
        return new ChannelInfo(channel.value(), metaFields.get(RedisKeys.META_LAST),
                part == null ? null : Integer.valueOf(part), redis.await(length, "read the log length of " + channel),
                entry(redis.await(first, "read the log of " + channel)), entry(redis.await(newest, "read the log of " + channel)),
                redis.await(logTtl, "read the expiry of " + channel), redis.await(metaTtl, "read the expiry of " + channel),
                retention == null ? null : new ChannelInfo.RetentionView(retention.maxLen(), retention.ttl().toString(),
                        retention.metaTtl().toString()),
                redis.await(subscribers, "count the subscribers of " + channel).getOrDefault(pubsub, 0L));
    }

    private ChannelInfo.LogEntry entry(List<StreamMessage<String, String>> messages) {
        if (messages.isEmpty()) {
            return null;
        }
        StreamMessage<String, String> message = messages.get(0);
        String envelopeId = null;
        String type = null;
        String createdAt = null;
        try {
            JsonNode envelope = json.readTree(message.getBody().getOrDefault(RedisKeys.FIELD_ENVELOPE, "{}"));
            envelopeId = envelope.path("id").asString(null);
            type = envelope.path("type").asString(null);
            createdAt = envelope.path("createdAt").isIntegralNumber()
                    ? Instant.ofEpochMilli(envelope.path("createdAt").longValue()).toString() : null;
        } catch (JacksonException e) {
            // an entry not written by Herald: show its position only
        }
        return new ChannelInfo.LogEntry(message.getId(), message.getBody().get(RedisKeys.FIELD_PREV), envelopeId, type, createdAt);
    }
}
