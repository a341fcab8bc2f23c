package io.herald.testkit.ws;

import java.net.URI;

/** The server refused the WebSocket upgrade, answering with {@link #statusCode()} (e.g. 401). */
public final class WsHandshakeException extends RuntimeException {

    private final int statusCode;

    WsHandshakeException(URI uri, int statusCode, Throwable cause) {
        super("WebSocket handshake with " + uri + " refused with HTTP " + statusCode, cause);
        this.statusCode = statusCode;
    }

    public int statusCode() {
        return statusCode;
    }
}
