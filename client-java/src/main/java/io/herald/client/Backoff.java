package io.herald.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Exponential backoff with full jitter: a random delay between 0 and min(max, initial * 2^attempt). */
record Backoff(Duration initial, Duration max) {

    Duration delay(int attempt, RandomGenerator random) {
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt, 30));
        return Duration.ofMillis(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
    }
}
