package io.herald.ingest.idempotency;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * Settles a claim: replaces it with its result, or releases it. Both only touch the claim they settle (its
 * pending value is unique), so a settlement that arrives late never overwrites another request's claim, and
 * running one twice changes nothing. A result also goes where the claim is gone (Redis restarted empty, or the
 * claim expired): it is true, and it spares a retry from producing a second record.
 */
@Component
public class Settlement {

    private static final String SETTLE = """
            local held = redis.call('GET', KEYS[1])
            if ARGV[2] == '' then
              if held == ARGV[1] then
                redis.call('DEL', KEYS[1])
              end
            elseif held == ARGV[1] or not held then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            end
            return 0
            """;

    /**
     * @param redisKey     the idempotency record's key
     * @param pendingValue the claim's value
     * @param result       the result to record, or null to release the claim
     */
    record Pending(String redisKey, String pendingValue, String result) {
    }

    private final IdempotencyRedis redis;
    private final IdempotencyProperties properties;

    public Settlement(IdempotencyRedis redis, IdempotencyProperties properties) {
        this.redis = redis;
        this.properties = properties;
    }

    /**
     * Without blocking, since results are recorded from Kafka's I/O thread; the future fails when Redis did not
     * answer.
     */
    CompletableFuture<Void> settleAsync(Pending pending) {
        return redis.callAsync(commands -> script(commands, pending)).thenApply(reply -> null);
    }

    /** @throws IdempotencyRedis.Unavailable when Redis did not answer */
    void settle(Pending pending) {
        redis.call(commands -> script(commands, pending));
    }

    private RedisFuture<Long> script(RedisClusterAsyncCommands<String, String> commands, Pending pending) {
        return commands.eval(SETTLE, ScriptOutputType.INTEGER, new String[] {pending.redisKey()}, pending.pendingValue(),
                pending.result() == null ? "" : pending.result(), Long.toString(properties.ttl().toMillis()));
    }
}
