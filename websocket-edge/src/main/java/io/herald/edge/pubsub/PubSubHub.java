package io.herald.edge.pubsub;

import io.herald.core.channel.ChannelName;
import io.herald.core.redis.LiveMessage;
import io.herald.core.redis.RedisKeys;
import io.herald.edge.config.EdgeProperties;
import io.herald.edge.subscription.ChannelSubscription;
import io.herald.edge.subscription.Frames;
import io.herald.edge.subscription.TextFrame;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The node's single Redis pub/sub connection. Channels are subscribed while at least one local subscription
 * wants them (reference counted) and a subscription is handed live messages only once the node's SUBSCRIBE
 * is confirmed. The connection's thread only queues what it receives; {@link FanOut}'s thread parses, frames and
 * encodes each message once and the same bytes go to every local subscriber, in batches under load. A message
 * flagged as an operator's replay goes to every local subscriber as a replay frame, outside the ordering checks.
 *
 * <p>Lettuce reconnects a dropped connection and subscribes again by itself; when a channel's subscription is
 * confirmed again, every local subscriber of it catches up from its last delivered position, because whatever
 * was published while the connection was down never reached this node.
 *
 * <p>Meters: {@code herald.edge.pubsub.messages} (messages received), {@code herald.edge.pubsub.resubscribes}
 * (channel subscriptions confirmed again after a reconnect), {@code herald.edge.pubsub.reconnects} (times the
 * connection itself was re-established), {@code herald.edge.pubsub.dropped} (messages dropped because the fan-out
 * was {@code herald.edge.fan-out.max-queued} behind; read back from the log), {@code herald.edge.fanout.queued}
 * (messages waiting for the fan-out thread).
 */
@Component
public class PubSubHub implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PubSubHub.class);

    private final StatefulRedisPubSubConnection<String, String> connection;
    private final Frames frames;
    private final FanOut<Received> fanOut;
    private final ConcurrentHashMap<ChannelName, Entry> entries = new ConcurrentHashMap<>();
    private final Counter messages;
    private final Counter resubscribed;
    private final Counter reconnected;
    private volatile String canaryChannel;
    private volatile Consumer<String> canaryListener;
    private volatile boolean closing;

    public PubSubHub(RedisClient client, Frames frames, EdgeProperties properties, MeterRegistry meters) {
        this.frames = frames;
        Counter dropped = meters.counter("herald.edge.pubsub.dropped");
        this.fanOut = new FanOut<>("herald-fan-out", properties.fanOut().maxQueued(), properties.fanOut().maxBatch(),
                this::deliver, dropped::increment);
        meters.gauge("herald.edge.fanout.queued", fanOut, FanOut::queued);
        this.messages = meters.counter("herald.edge.pubsub.messages");
        this.resubscribed = meters.counter("herald.edge.pubsub.resubscribes");
        this.reconnected = meters.counter("herald.edge.pubsub.reconnects");
        this.connection = client.connectPubSub();
        this.connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pubsubChannel, String payload) {
                onMessage(pubsubChannel, payload);
            }

            @Override
            public void subscribed(String pubsubChannel, long count) {
                onSubscribed(pubsubChannel);
            }
        });
        // registered after the first connect, so every connect it sees is a reconnect
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                if (handler == connection) {
                    reconnected.increment();
                    log.info("pub/sub connection re-established, resubscribing channels={}", entries.size());
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler == connection && !closing) {
                    log.warn("pub/sub connection lost, reconnecting channels={}", entries.size());
                }
            }
        });
    }

    /**
     * Registers the subscription for live messages of its channel, subscribing the node when it is the first.
     * The returned future completes once the node's SUBSCRIBE is confirmed by Redis.
     */
    public CompletableFuture<Void> acquire(ChannelSubscription subscription) {
        Entry entry = entries.compute(subscription.channel(), (channel, existing) -> {
            Entry e = existing != null ? existing : new Entry(connection.async()
                    .subscribe(RedisKeys.pubsub(channel)).toCompletableFuture().thenApply(ignored -> (Void) null));
            e.subscribers.add(subscription);
            return e;
        });
        // a SUBSCRIBE that failed (Redis unreachable) must not stick: the next acquire tries again
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
            connection.async().unsubscribe(RedisKeys.pubsub(channel));
            return null;
        });
    }

    /**
     * Subscribes this connection to a canary channel (not a Herald channel) and hands its messages to the
     * listener: a probe publishes there and expects its messages back through this very connection. Calling it
     * again re-issues the SUBSCRIBE, which repairs a subscription Redis dropped while the connection stayed up.
     */
    public CompletableFuture<Void> subscribeCanary(String channel, Consumer<String> listener) {
        canaryListener = listener;
        canaryChannel = channel;
        return connection.async().subscribe(channel).toCompletableFuture().thenApply(ignored -> null);
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
        return connection.isOpen();
    }

    public double reconnects() {
        return reconnected.count();
    }

    private void onMessage(String pubsubChannel, String payload) {
        if (pubsubChannel.equals(canaryChannel)) {
            canaryListener.accept(payload);
            return;
        }
        fanOut.offer(new Received(pubsubChannel, payload));
    }

    /** A message as the connection's thread received it; parsed on the fan-out thread. */
    private record Received(String pubsubChannel, String payload) {
    }

    /** One live message ready for delivery: parsed, framed and encoded once. */
    private record Live(LiveMessage message, TextFrame frame, long createdAt) {
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
                TextFrame frame = TextFrame.of(frames.replay(channel, message));
                for (ChannelSubscription subscription : entry.subscribers) {
                    subscription.onReplay(frame);
                }
                continue;
            }
            entry.received++; // only the fan-out thread writes it
            byChannel.computeIfAbsent(entry, e -> new ArrayList<>()).add(new Live(message,
                    TextFrame.of(frames.message(channel, message)), EnvelopeTime.createdAt(message.envelopeJson())));
        }
        byChannel.forEach((entry, live) -> {
            for (ChannelSubscription subscription : entry.subscribers) {
                for (Live next : live) {
                    subscription.onLive(next.message(), next.frame(), next.createdAt());
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
        if (entry.confirmedOnce) {
            // a re-subscription after a reconnect: messages may have been published while we were away
            resubscribed.increment();
            entry.subscribers.forEach(ChannelSubscription::requestCatchUp);
        }
        entry.confirmedOnce = true;
    }

    @Override
    public void destroy() {
        closing = true;
        connection.close();
        fanOut.stop();
    }

    private static final class Entry {
        final CompletableFuture<Void> confirmed;
        final Set<ChannelSubscription> subscribers = ConcurrentHashMap.newKeySet();
        volatile boolean confirmedOnce;
        volatile long received;

        Entry(CompletableFuture<Void> confirmed) {
            this.confirmed = confirmed;
        }
    }
}
