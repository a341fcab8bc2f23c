package io.herald.ingest.idempotency;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Settles a claim: replaces it with its result, or releases it. Both only touch the claim they settle (its
 * pending value is unique), so a settlement that arrives late never overwrites another request's claim, and
 * running one twice changes nothing. A result also goes where the claim is gone (Redis restarted empty, or the
 * claim expired): it is true, and it spares a retry from producing a second record.
 */
@Component
public class Settlement {

    private static final RedisScript<Long> SETTLE = RedisScript.of("""
            local held = redis.call('GET', KEYS[1])
            if ARGV[2] == '' then
              if held == ARGV[1] then
                redis.call('DEL', KEYS[1])
              end
            elseif held == ARGV[1] or not held then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            end
            return 0
            """, Long.class);

    /**
     * @param redisKey     the idempotency record's key
     * @param pendingValue the claim's value
     * @param result       the result to record, or null to release the claim
     */
    record Pending(String redisKey, String pendingValue, String result) {
    }

    // Results are recorded from Kafka's I/O thread, which must never block, hence the reactive client there; the
    // blocking one is for UnsettledClaims' own thread.
    private final ReactiveStringRedisTemplate reactive;
    private final StringRedisTemplate blocking;
    private final IdempotencyProperties properties;

    public Settlement(ReactiveStringRedisTemplate reactive, StringRedisTemplate blocking, IdempotencyProperties properties) {
        this.reactive = reactive;
        this.blocking = blocking;
        this.properties = properties;
    }

    /** Without blocking; the future fails when Redis did not answer. */
    CompletableFuture<Void> settleAsync(Pending pending) {
        try {
            return reactive.execute(SETTLE, List.of(pending.redisKey()), args(pending)).then().toFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @throws org.springframework.dao.DataAccessException when Redis did not answer */
    void settle(Pending pending) {
        blocking.execute(SETTLE, List.of(pending.redisKey()), args(pending).toArray(Object[]::new));
    }

    private List<String> args(Pending pending) {
        return List.of(pending.pendingValue(), pending.result() == null ? "" : pending.result(),
                Long.toString(properties.ttl().toMillis()));
    }
}
