package io.herald.ingest.idempotency;

import io.herald.core.channel.ChannelName;
import io.herald.ingest.notification.NotificationAccepted;
import io.herald.ingest.problem.ProblemException;
import io.herald.ingest.problem.ProblemKind;
import io.herald.redis.RedisKeys;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.lettuce.core.ScriptOutputType;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Idempotency records in Redis, one per (API key, channel, idempotency key): a pending claim with a short TTL
 * taken before producing, replaced by the result once Kafka acknowledged, or released after Kafka refused the
 * record so that a retry may produce. Redis rather than memory because retries land on any ingest node and must
 * still be recognised after a node restarts; a claim is atomic across nodes, so concurrent retries produce once.
 *
 * <p>Only the node that took a claim knows whether it produced, so only that node settles it (docs/architecture.md,
 * "Idempotency across a Redis outage"): a claim Redis executes after the claim window is refused (the request has
 * answered 503 by then and will never produce), and a result or release that Redis could not take is kept by
 * {@link UnsettledClaims} and written as soon as Redis answers again.
 *
 * <p>Limits, by design: a node that dies after Kafka acknowledged but before recording the result leaves a
 * pending claim, and a retry after the claim expired produces again; Redis restarted empty forgets every key.
 */
@Component
public class IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final String CLAIMED = "!claimed";
    private static final String LATE = "!late:";
    /**
     * Claims the key unless Redis runs this after the claim's deadline (epoch ms, Redis's clock): the sender gave
     * up waiting by then and answered 503, so a claim written now would hold the key with nobody to produce it.
     * Returns {@value #CLAIMED}, {@value #LATE}{@code <Redis's time in ms>} or the value already held.
     */
    private static final String CLAIM = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            if now > tonumber(ARGV[3]) then
              return '!late:' .. now
            end
            local held = redis.call('GET', KEYS[1])
            if held then
              return held
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return '!claimed'
            """;

    private final IdempotencyRedis redis;
    private final UnsettledClaims unsettled;
    private final Settlement settlement;
    private final IdempotencyProperties properties;
    private final JsonMapper json = JsonMapper.builder().build();

    public IdempotencyStore(IdempotencyRedis redis, Settlement settlement, UnsettledClaims unsettled,
                            IdempotencyProperties properties) {
        this.redis = redis;
        this.settlement = settlement;
        this.unsettled = unsettled;
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
        String redisKey = RedisKeys.idempotency(scope, channel, key);
        String pending = json.writeValueAsString(new IdempotencyRecord(fingerprint, UUID.randomUUID().toString(), null));
        long deadline = System.currentTimeMillis() + properties.claimWindow().toMillis();
        String reply;
        try {
            reply = redis.call(commands -> commands.eval(CLAIM, ScriptOutputType.VALUE, new String[] {redisKey},
                    pending, Long.toString(properties.pendingTtl().toMillis()), Long.toString(deadline)));
        } catch (IdempotencyRedis.Unavailable e) {
            // Redis may still run the claim (the command was sent): give it back once Redis answers, should it
            // have run within its window. The value is this request's alone, so nothing else is released.
            unsettled.add(new Settlement.Pending(redisKey, pending, null));
            log.warn("redis unavailable for idempotency, refusing keyed request scope={} channel={} error={}",
                    scope, channel, e.toString());
            throw unavailable();
        }
        if (CLAIMED.equals(reply)) {
            return new Claim.Claimed(redisKey, pending, fingerprint);
        }
        if (reply == null || reply.startsWith(LATE)) {
            // a stalled Redis, or clocks apart by more than the window (then every claim ends here: the times say so)
            log.warn("redis ran the idempotency claim after its window, refusing keyed request scope={} channel={} "
                    + "claimWindowMs={} deadlineMs={} redisTimeMs={} nowMs={}", scope, channel,
                    properties.claimWindow().toMillis(), deadline, reply == null ? null : reply.substring(LATE.length()),
                    System.currentTimeMillis());
            throw unavailable();
        }
        IdempotencyRecord record = read(reply);
        if (!record.fingerprint().equals(fingerprint)) {
            return new Claim.Reused();
        }
        return record.result() == null ? new Claim.InProgress() : new Claim.Replay(record.result());
    }

    private static ProblemException unavailable() {
        return new ProblemException(ProblemKind.IDEMPOTENCY_UNAVAILABLE,
                "the idempotency store cannot be reached, so a retry could not be recognised; nothing was written. Retry later.");
    }

    /**
     * Records the result for later retries, without blocking the caller. The future never fails: the record is
     * in Kafka whatever happens here, and a result Redis could not take is written once it answers again.
     */
    public CompletableFuture<Void> complete(Claim.Claimed claim, NotificationAccepted result) {
        String value = json.writeValueAsString(new IdempotencyRecord(claim.fingerprint(), null, result));
        return settle(new Settlement.Pending(claim.redisKey(), claim.pendingValue(), value));
    }

    /** Gives the key back after Kafka refused the record, so that a retry may produce it. Never fails. */
    public CompletableFuture<Void> release(Claim.Claimed claim) {
        return settle(new Settlement.Pending(claim.redisKey(), claim.pendingValue(), null));
    }

    private CompletableFuture<Void> settle(Settlement.Pending pending) {
        return settlement.settleAsync(pending).exceptionally(e -> {
            unsettled.add(pending);
            log.warn("idempotency claim not settled, settling it when redis answers again key={} outcome={} error={}",
                    pending.redisKey(), pending.result() == null ? "release" : "result", e.toString());
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
