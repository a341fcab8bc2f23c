/**
 * The WebSocket edge: {@code EdgeApplication} starts it; the feature packages below do the work. Bottom up:
 * {@code settings}; {@code redis} and {@code history} (where notifications are read); {@code delivery} (subscriptions
 * fed from pub/sub and history); {@code protocol} (the wire format); {@code http}, {@code auth} and
 * {@code connection} (who gets in); the two transports {@code ws} and {@code sse}; and {@code health}. A package
 * uses only those below it, never another service's code ({@code EdgeLayeringTest} checks both).
 */
package io.herald.edge;
