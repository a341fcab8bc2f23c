package io.herald.ingest.idempotency;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Opens the Redis connection when ingest starts, not on the first keyed request: the connection's setup (client
 * resources, TCP, handshake) took longer than the claim window on a busy machine, so the first keyed post after a
 * start was refused with 503. A Redis that is down at start is only logged: the requests report it as they always do.
 */
@Component
class RedisWarmUp implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RedisWarmUp.class);

    private final IdempotencyRedis redis;

    RedisWarmUp(IdempotencyRedis redis) {
        this.redis = redis;
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            redis.call(commands -> commands.ping());
        } catch (IdempotencyRedis.Unavailable e) {
            log.warn("redis not reachable at start; keyed requests get 503 until it is error=\"{}\"", e.toString());
        }
    }
}
