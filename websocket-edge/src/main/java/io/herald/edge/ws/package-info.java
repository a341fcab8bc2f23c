/**
 * Protocol v1 over WebSocket on {@code /ws}, through Jetty's WebSocket API alone: the handshake servlet
 * ({@code EdgeWebSocketServlet}: token, origin, upgrade), each connection's Jetty listener ({@code EdgeSocket}), the
 * handler that serves every session, each session ({@code EdgeSession}) with its bounded outbound buffer
 * ({@code Outbound}, which writes to Jetty's core session) and subscribe rate limit, closing, and the Spring wiring
 * ({@code WebSocketConfiguration}). Depends on {@code delivery}, {@code protocol}, {@code connection},
 * {@code auth}, {@code settings} and core; nothing depends on it.
 */
package io.herald.edge.ws;
