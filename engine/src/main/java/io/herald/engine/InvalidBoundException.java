package io.herald.engine;

/** An operator's time or offset could not be read; the message says what is accepted. */
public class InvalidBoundException extends IllegalArgumentException {
    public InvalidBoundException(String message) {
        super(message);
    }
}
