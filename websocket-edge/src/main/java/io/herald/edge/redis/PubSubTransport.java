package io.herald.edge.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * How the node's pub/sub reaches Redis, per topology: {@link SinglePubSub} holds one connection (a standalone
 * server, or the primary Sentinel names) and SUBSCRIBEs; {@link ClusterPubSub} holds one connection per cluster
 * node that serves a subscribed slot and SSUBSCRIBEs there, moving channels when their slot moves. The
 * {@code PubSubHub} on top is the same for both: it counts subscribers, fans messages out and catches a
 * channel's subscribers up whenever the transport reports the channel {@link Events#interrupted interrupted}
 * and then {@link Events#subscribed subscribed} again.
 */
public interface PubSubTransport extends AutoCloseable {

    /** Connects and starts reporting to {@code events}; called once, before anything else. */
    void start(Events events);

    /**
     * Subscribes the node to a pub/sub channel; completes once Redis confirmed it, or fails (Redis unreachable,
     * the channel's slot without a reachable primary). Subscribing a channel already subscribed re-issues the
     * subscription, which repairs one Redis dropped while the connection stayed up.
     */
    CompletableFuture<Void> subscribe(String pubsubChannel);

    void unsubscribe(String pubsubChannel);

    /**
     * The canary channels derived from {@code base} that together cover every connection the node receives
     * live messages through: one on a single connection, one per primary (shard) on a cluster.
     */
    List<String> canaryChannels(String base);

    /** Publishes a canary message the way the dispatcher publishes live messages (PUBLISH, or SPUBLISH on a cluster). */
    CompletableFuture<Void> publish(String channel, String payload);

    /** True when every subscribed channel is subscribed on an open connection now. */
    boolean isConnected();

    @Override
    void close();

    /** What the transport reports to the hub; called from Redis I/O threads. */
    interface Events {

        void message(String pubsubChannel, String payload);

        /** Redis confirmed a subscription of the channel, the first or a repeated one. */
        void subscribed(String pubsubChannel);

        /**
         * The matching channels may have missed messages (a connection dropped, a node failed over, a slot moved):
         * the transport subscribes them again and reports each {@link #subscribed} once Redis confirmed it.
         * Reported before the new subscription is sent.
         */
        void interrupted(Predicate<String> pubsubChannels, String reason);

        /** A connection was established again after it had dropped. */
        void reconnected();
    }
}
