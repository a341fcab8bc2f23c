/**
 * What both transports share about a client connection: the gate every WebSocket handshake and event stream passes
 * ({@code ConnectionGate}: draining, token, per-user limit), the registry of open connections
 * ({@code SessionRegistry}: per-user counts, upkeep ticks, blocking calls off the I/O threads, the drain on
 * shutdown), and the bounded outbound queue both transports hold a slow client to ({@code OutboundQueue}). Depends
 * on {@code auth}, {@code http} and {@code settings}; a transport plugs in by implementing {@code Connection}.
 */
package io.herald.edge.connection;
