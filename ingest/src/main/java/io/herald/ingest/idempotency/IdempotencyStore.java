package io.herald.ingest.idempotency;

import io.herald.core.channel.ChannelName;
import io.herald.ingest.notification.NotificationAccepted;
import io.herald.ingest.problem.ProblemException;
import io.herald.ingest.problem.ProblemKind;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Idempotency records in Redis, one per (API key, channel, idempotency key): {@code SET NX} with a short TTL
 * claims the key before producing, the result replaces the claim once Kafka acknowledged, and a failure releases
 * it so that the retry may produce. Redis rather than memory because retries land on any ingest node and must
 * still be recognised after a node restarts; a claim is atomic across nodes, so concurrent retries produce once.
 *
 * <p>Limits, by design: a node that dies after Kafka acknowledged but before recording the result leaves a
 * pending claim, and a retry after the claim expired produces again; Redis restarted empty forgets every key.
 */
@Component
public class IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final String PREFIX = "herald:ingest:idem:";
    private static final int CLAIM_ATTEMPTS = 3;
    // delete only our own claim: after it expired, another request may hold the key
    private static final RedisScript<Long> RELEASE = RedisScript.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", Long.class);

    // Claims block: the request thread waits for the answer anyway. Results are recorded from Kafka's I/O
    // thread, which must never block, hence the reactive client there.
    private final StringRedisTemplate redis;
    private final ReactiveStringRedisTemplate settling;
    private final IdempotencyProperties properties;
    private final JsonMapper json = JsonMapper.builder().build();

    public IdempotencyStore(StringRedisTemplate redis, ReactiveStringRedisTemplate settling,
                            IdempotencyProperties properties) {
        this.redis = redis;
        this.settling = settling;
        this.properties = properties;
    }

    public boolean enabled() {
        return properties.enabled();
    }

    /**
     * @param scope       who sends (the API key's name): two producers never share keys
     * @param fingerprint a digest of the request, to tell a retry from a different request under the same key
     * @throws ProblemException IDEMPOTENCY_UNAVAILABLE when Redis cannot be asked
     */
    public Claim claim(String scope, ChannelName channel, String key, String fingerprint) {
        // '|' occurs in neither a scope nor a channel, so the key part stays unambiguous whatever it holds
        String redisKey = PREFIX + scope + "|" + channel.value() + "|" + key;
        try {
            for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                String pending = json.writeValueAsString(new IdempotencyRecord(fingerprint, UUID.randomUUID().toString(), null));
                if (Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(redisKey, pending, properties.pendingTtl()))) {
                    return new Claim.Claimed(redisKey, pending, fingerprint);
                }
                String existing = redis.opsForValue().get(redisKey);
                if (existing != null) {
                    IdempotencyRecord record = read(existing);
                    if (!record.fingerprint().equals(fingerprint)) {
                        return new Claim.Reused();
                    }
                    return record.result() == null ? new Claim.InProgress() : new Claim.Replay(record.result());
                }
                // released or expired between SET NX and GET: claim again
            }
            return new Claim.InProgress();
        } catch (DataAccessException e) {
            log.warn("redis unavailable for idempotency, refusing keyed request scope={} channel={} error={}",
                    scope, channel, e.toString());
            throw new ProblemException(ProblemKind.IDEMPOTENCY_UNAVAILABLE,
                    "the idempotency store cannot be reached, so a retry could not be recognised; nothing was written. Retry later.");
        }
    }

    /**
     * Records the result for later retries, without blocking the caller. The future never fails: the record is
     * in Kafka whatever happens here.
     */
    public CompletableFuture<Void> complete(Claim.Claimed claim, NotificationAccepted result) {
        String value = json.writeValueAsString(new IdempotencyRecord(claim.fingerprint(), null, result));
        return settle(claim, "idempotency result not recorded",
                () -> settling.opsForValue().set(claim.redisKey(), value, properties.ttl()).then());
    }

    /** Gives the key back after Kafka refused the record, so that a retry may produce it. Never fails. */
    public CompletableFuture<Void> release(Claim.Claimed claim) {
        return settle(claim, "idempotency claim not released",
                () -> settling.execute(RELEASE, List.of(claim.redisKey()), List.of(claim.pendingValue())).then());
    }

    private CompletableFuture<Void> settle(Claim.Claimed claim, String failure, Supplier<Mono<Void>> command) {
        CompletableFuture<Void> done;
        try {
            done = command.get().toFuture();
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        return done.exceptionally(e -> {
            log.warn("{}, retries answer 409 until the claim expires key={} pendingTtl={} error={}",
                    failure, claim.redisKey(), properties.pendingTtl(), e.toString());
            return null;
        });
    }

    private IdempotencyRecord read(String value) {
        try {
            return json.readValue(value, IdempotencyRecord.class);
        } catch (JacksonException e) {
            throw new IllegalStateException("unreadable idempotency record: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The Redis value: a claim ({@code token} set, so that each claim's value is unique) or a result.
     */
    record IdempotencyRecord(String fingerprint, String token, NotificationAccepted result) {
    }
}
