/**
 * Protocol v1 over WebSocket on {@code /ws}: the handler that serves every session, each session
 * ({@code EdgeSession}) with its bounded outbound buffer ({@code Outbound}) and subscribe rate limit, the handshake
 * check, closing, and the Spring wiring ({@code WebSocketConfiguration}). Depends on {@code delivery},
 * {@code protocol}, {@code connection}, {@code auth}, {@code settings} and core; nothing depends on it.
 */
package io.herald.edge.ws;
