package io.herald.dispatcher.consumer;

/** Redis did not answer every command of a batch; the batch is retried, never committed or skipped. */
public class RedisApplyException extends RuntimeException {
    public RedisApplyException(String message, Throwable cause) {
        super(message, cause);
    }
}
