/**
 * Getting each notification to each subscriber once, in order: {@code ChannelSubscription} (one client's
 * subscription to one channel), {@code SubscriptionService}, the node's pub/sub hub and its fan-out thread
 * ({@code PubSubHub}, {@code FanOut}), catch-ups from history ({@code CatchUpScheduler}, {@code CatchUpQueue}), the
 * tail check and the delivery meters. Frames leave through two ports declared here: {@code Frames} (built by
 * {@code protocol}) and {@code FrameSink} (a client's outbound buffer, in {@code ws} or {@code sse}). Depends on
 * {@code history}, {@code redis}, {@code settings} and core; never on a transport or on the wire format.
 */
package io.herald.edge.delivery;
