package io.herald.testkit.ws;

/** The close code and reason of a WebSocket close frame (e.g. 4008 for a slow consumer). */
public record CloseStatus(int code, String reason) {

    @Override
    public String toString() {
        return code + (reason == null || reason.isEmpty() ? "" : " " + reason);
    }
}
