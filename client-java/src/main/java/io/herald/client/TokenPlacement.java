package io.herald.client;

/** How the token travels with the WebSocket upgrade (docs/protocol.md section 2.1). */
public enum TokenPlacement {
    /** {@code Authorization: Bearer <jwt>}: kept out of access logs. The default. */
    HEADER,
    /** The {@code access_token} query parameter, for proxies that drop the header. */
    QUERY
}
