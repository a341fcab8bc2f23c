package io.herald.core.channel;

/** A channel name that breaks the grammar; the message is safe to show to the caller. */
public class InvalidChannelException extends IllegalArgumentException {
    public InvalidChannelException(String message) {
        super(message);
    }
}
