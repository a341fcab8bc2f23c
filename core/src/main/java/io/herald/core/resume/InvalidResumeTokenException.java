package io.herald.core.resume;

/** A resume token that cannot be read; the message is safe to show to the client. */
public class InvalidResumeTokenException extends IllegalArgumentException {
    public InvalidResumeTokenException(String message) {
        super(message);
    }
}
