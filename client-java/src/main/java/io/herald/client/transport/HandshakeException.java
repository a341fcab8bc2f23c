package io.herald.client.transport;

import java.io.IOException;

/** The server answered the WebSocket upgrade with an HTTP status instead of switching protocols (401, 429, 503...). */
public final class HandshakeException extends IOException {

    private final int status;

    public HandshakeException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status of the refusal. */
    public int status() {
        return status;
    }
}
