package io.herald.dispatcher.consumer;

/** Kafka did not acknowledge a dead letter; the batch is retried rather than committed without it. */
public class DeadLetterException extends RuntimeException {
    public DeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }
}
