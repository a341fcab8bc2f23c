package io.herald.core.position;

/** A position that is not {@code <offset>-1}; the message is safe to show to the caller. */
public class InvalidPositionException extends IllegalArgumentException {
    public InvalidPositionException(String message) {
        super(message);
    }
}
