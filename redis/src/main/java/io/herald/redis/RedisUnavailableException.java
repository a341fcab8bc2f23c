package io.herald.redis;

/** A {@link CommandConnection} could not be opened in time, or a primary of a cluster could not be reached. */
public final class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
