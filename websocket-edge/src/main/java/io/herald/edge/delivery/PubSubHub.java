package io.herald.edge.delivery;

import io.herald.core.channel.ChannelName;
import io.herald.redis.LiveMessage;
import io.herald.redis.RedisKeys;
import io.herald.edge.redis.PubSubTransport;
import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The node's Redis pub/sub, over a {@link PubSubTransport} chosen by the topology (one connection, or one per
 * cluster node). Channels are subscribed while at least one local subscription wants them (reference counted)
 * and a subscription is handed live messages only once the node's subscription is confirmed. The transport's
 * threads only queue what they receive; {@link FanOut}'s thread parses, frames and encodes each message once and
 * the same bytes go to every local subscriber, in batches under load. A message flagged as an operator's replay
 * goes to every local subscriber as a replay frame, outside the ordering checks.
 *
 * <p>When the transport reports channels interrupted (a dropped connection, a failover, a moved slot) and then
 * subscribed again, every local subscriber of each such channel catches up from its last delivered position, since
 * whatever was published meanwhile never reached this node. The catch-up starts only once the new subscription is
 * confirmed, so nothing published after it can fall between the two.
 *
 * <p>Meters: {@code herald.edge.pubsub.messages} (messages received), {@code herald.edge.pubsub.resubscribes}
 * (channel subscriptions confirmed again after an interruption), {@code herald.edge.pubsub.reconnects} (times a
 * connection itself was re-established), {@code herald.edge.pubsub.dropped} (messages dropped because the fan-out
 * was {@code herald.edge.fan-out.max-queued} behind; read back from the log), {@code herald.edge.fanout.queued}
 * (messages waiting for the fan-out thread).
 */
@Component
public class PubSubHub implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PubSubHub.class);

    private final PubSubTransport transport;
    private final Frames frames;
    private final FanOut<Received> fanOut;
    private final ConcurrentHashMap<ChannelName, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Consumer<String>> canaries = new ConcurrentHashMap<>();
    private final Counter messages;
    private final Counter resubscribed;
    private final Counter reconnected;

    public PubSubHub(PubSubTransport transport, Frames frames, EdgeProperties properties, MeterRegistry meters) {
        this.transport = transport;
        this.frames = frames;
        Counter dropped = meters.counter("herald.edge.pubsub.dropped");
        this.fanOut = new FanOut<>("herald-fan-out", properties.fanOut().maxQueued(), properties.fanOut().maxBatch(),
                this::deliver, dropped::increment);
        meters.gauge("herald.edge.fanout.queued", fanOut, FanOut::queued);
        this.messages = meters.counter("herald.edge.pubsub.messages");
        this.resubscribed = meters.counter("herald.edge.pubsub.resubscribes");
        this.reconnected = meters.counter("herald.edge.pubsub.reconnects");
        transport.start(new PubSubTransport.Events() {
            @Override
            public void message(String pubsubChannel, String payload) {
                onMessage(pubsubChannel, payload);
            }

            @Override
            public void subscribed(String pubsubChannel) {
                onSubscribed(pubsubChannel);
            }

            @Override
            public void interrupted(Predicate<String> pubsubChannels, String reason) {
                onInterrupted(pubsubChannels, reason);
            }

            @Override
            public void reconnected() {
                reconnected.increment();
                log.info("pub/sub connection re-established, resubscribing channels={}", entries.size());
            }
        });
    }

    /**
     * Registers the subscription for live messages of its channel, subscribing the node when it is the first.
     * The returned future completes once the node's subscription is confirmed by Redis.
     */
    public CompletableFuture<Void> acquire(ChannelSubscription subscription) {
        Entry entry = entries.compute(subscription.channel(), (channel, existing) -> {
            Entry e = existing != null ? existing : new Entry(transport.subscribe(RedisKeys.pubsub(channel)));
            e.subscribers.add(subscription);
            return e;
        });
        // a subscription that failed (Redis unreachable) must not stick: the next acquire tries again
        entry.confirmed.whenComplete((ok, error) -> {
            if (error != null) {
                entries.remove(subscription.channel(), entry);
            }
        });
        return entry.confirmed;
    }

    /** Unregisters the subscription, unsubscribing the node from the channel when it was the last. */
    public void release(ChannelSubscription subscription) {
        entries.computeIfPresent(subscription.channel(), (channel, entry) -> {
            entry.subscribers.remove(subscription);
            if (!entry.subscribers.isEmpty()) {
                return entry;
            }
            transport.unsubscribe(RedisKeys.pubsub(channel));
            return null;
        });
    }

    /**
     * The canary channels (not Herald channels) a probe must use to cover every connection this node receives
     * live messages through: one per connection the transport may hold (docs/operations.md).
     */
    public List<String> canaryChannels(String base) {
        return transport.canaryChannels(base);
    }

    /**
     * Subscribes the node to a canary channel and hands its messages to the listener: a probe publishes there
     * ({@link #publishCanary}) and expects its messages back through the node's own pub/sub. Calling it again
     * re-issues the subscription, which repairs one Redis dropped while the connection stayed up.
     */
    public CompletableFuture<Void> subscribeCanary(String channel, Consumer<String> listener) {
        canaries.put(channel, listener);
        return transport.subscribe(channel);
    }

    /** Publishes on a canary channel the way live messages are published on this topology. */
    public CompletableFuture<Void> publishCanary(String channel, String payload) {
        return transport.publish(channel, payload);
    }

    /** Channels this node is subscribed to. */
    public Set<ChannelName> channels() {
        return entries.keySet();
    }

    /**
     * How many live messages of the channel this connection has received so far (-1 when the node does not watch
     * it): the tail check only suspects a loss on a channel from which nothing arrived during a whole period.
     */
    public long received(ChannelName channel) {
        Entry entry = entries.get(channel);
        return entry == null ? -1 : entry.received;
    }

    public Collection<ChannelSubscription> subscribers(ChannelName channel) {
        Entry entry = entries.get(channel);
        return entry == null ? List.of() : entry.subscribers;
    }

    public boolean isConnected() {
        return transport.isConnected();
    }

    public double reconnects() {
        return reconnected.count();
    }

    private void onMessage(String pubsubChannel, String payload) {
        Consumer<String> canary = canaries.get(pubsubChannel);
        if (canary != null) {
            canary.accept(payload);
            return;
        }
        fanOut.offer(new Received(pubsubChannel, payload));
    }

    /** A message as the connection's thread received it; parsed on the fan-out thread. */
    private record Received(String pubsubChannel, String payload) {
    }

    /** One live message ready for delivery: parsed, framed and encoded once, its times read once. */
    private record Live(LiveMessage message, TextFrame frame, long createdAt, long expiresAt) {
    }

    /**
     * Hands a batch to the subscriptions, channel by channel in the order received: each subscription queues all of
     * its channel's messages of the batch, then writes them at once.
     */
    private void deliver(List<Received> batch) {
        Map<Entry, List<Live>> byChannel = new LinkedHashMap<>();
        for (Received received : batch) {
            ChannelName channel = RedisKeys.channelOfPubsub(received.pubsubChannel());
            Entry entry = channel == null ? null : entries.get(channel);
            if (entry == null) {
                continue;
            }
            LiveMessage message;
            try {
                message = LiveMessage.parse(received.payload());
            } catch (IllegalArgumentException e) {
                log.warn("dropping malformed pub/sub payload channel={} error=\"{}\"", channel, e.getMessage());
                continue;
            }
            messages.increment();
            if (message.replay()) {
                TextFrame frame = frames.replay(channel, message);
                long expiresAt = EnvelopeTime.expiresAt(message.envelopeJson());
                for (ChannelSubscription subscription : entry.subscribers) {
                    subscription.onReplay(frame, expiresAt);
                }
                continue;
            }
            entry.received++; // only the fan-out thread writes it
            byChannel.computeIfAbsent(entry, e -> new ArrayList<>()).add(new Live(message,
                    frames.message(channel, message), EnvelopeTime.createdAt(message.envelopeJson()),
                    EnvelopeTime.expiresAt(message.envelopeJson())));
        }
        byChannel.forEach((entry, live) -> {
            for (ChannelSubscription subscription : entry.subscribers) {
                for (Live next : live) {
                    subscription.onLive(next.message(), next.frame(), next.createdAt(), next.expiresAt());
                }
                subscription.flush();
            }
        });
    }

    private void onSubscribed(String pubsubChannel) {
        ChannelName channel = RedisKeys.channelOfPubsub(pubsubChannel);
        Entry entry = channel == null ? null : entries.get(channel);
        if (entry == null) {
            return;
        }
        if (entry.resubscribing) {
            // a re-subscription after an interruption: messages may have been published while we were away
            entry.resubscribing = false;
            resubscribed.increment();
            entry.subscribers.forEach(ChannelSubscription::requestCatchUp);
        }
    }

    private void onInterrupted(Predicate<String> pubsubChannels, String reason) {
        // marked here, before the transport subscribes again: whatever was published meanwhile is read back once
        // Redis confirms each channel again
        int affected = 0;
        for (Map.Entry<ChannelName, Entry> entry : entries.entrySet()) {
            if (pubsubChannels.test(RedisKeys.pubsub(entry.getKey()))) {
                entry.getValue().resubscribing = true;
                affected++;
            }
        }
        log.warn("pub/sub interrupted, resubscribing reason=\"{}\" channels={}", reason, affected);
    }

    @Override
    public void destroy() {
        // the transport is a bean of its own, closed by the context after this
        fanOut.stop();
    }

    private static final class Entry {
        final CompletableFuture<Void> confirmed;
        final Set<ChannelSubscription> subscribers = ConcurrentHashMap.newKeySet();
        /**
         * Set when the transport reports the channel interrupted. Not derived from the first confirmation: that one can arrive before the
         * entry is in the map (the SUBSCRIBE is sent from inside {@code compute}), and then no reconnect would
         * ever catch its subscribers up.
         */
        volatile boolean resubscribing;
        volatile long received;

        Entry(CompletableFuture<Void> confirmed) {
            this.confirmed = confirmed;
        }
    }
}
