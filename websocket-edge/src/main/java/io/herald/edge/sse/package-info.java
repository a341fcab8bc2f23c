/**
 * The same subscriptions as Server-Sent Events on {@code /sse}: the servlet that opens a stream, the stream itself
 * ({@code SseStream}, with its bounded outbound buffer) and its Spring wiring. Depends on {@code delivery},
 * {@code protocol}, {@code connection}, {@code auth}, {@code http}, {@code settings} and core; nothing depends on
 * it.
 */
package io.herald.edge.sse;
