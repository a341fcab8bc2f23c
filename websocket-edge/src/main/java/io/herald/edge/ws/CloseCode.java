package io.herald.edge.ws;

/**
 * A WebSocket close code and reason the node closes a session with (docs/protocol.md lists them); the reason, with
 * spaces as underscores, is also the {@code herald.edge.sessions.closed} metric's tag.
 */
record CloseCode(int code, String reason) {
}
