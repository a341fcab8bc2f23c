package io.herald.dispatcher.move;

/** A move's transaction did not commit: nothing was moved and no offset committed; the batch is retried. */
public final class MoveFailedException extends RuntimeException {

    public MoveFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
