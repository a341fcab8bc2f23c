package io.herald.edge.delivery;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.edge.settings.EdgeProperties;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Service;

/**
 * Opens and closes subscriptions: (1) make sure the node is subscribed to the channel and the subscription
 * buffers its live messages, (2) then catch up from {@code since} (or, for a fresh subscription, start at the
 * channel's current end) on the catch-up pool, which answers {@code subscribed} and goes live.
 */
@Service
public class SubscriptionService {

    private final PubSubHub hub;
    private final CatchUpScheduler scheduler;
    private final Frames frames;
    private final DeliveryMetrics metrics;
    private final Duration subscribeTimeout;

    public SubscriptionService(PubSubHub hub, CatchUpScheduler scheduler, Frames frames, DeliveryMetrics metrics,
            EdgeProperties properties) {
        this.hub = hub;
        this.scheduler = scheduler;
        this.frames = frames;
        this.metrics = metrics;
        this.subscribeTimeout = properties.limits().subscribeTimeout();
    }

    /** A subscription not yet started: the caller registers it with its session, then {@link #start}s it. */
    public ChannelSubscription create(ChannelName channel, Position since, FrameSink sink) {
        return new ChannelSubscription(channel, since, sink, frames, scheduler, metrics);
    }

    /**
     * Subscribes the node and schedules the first catch-up. Blocks the calling socket thread until Redis
     * confirms the node's subscription (bounded by {@code herald.edge.limits.subscribe-timeout}).
     *
     * @throws SubscribeFailedException when the node could not subscribe; the subscription is released
     */
    public void start(ChannelSubscription subscription) {
        try {
            hub.acquire(subscription).get(subscribeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            stop(subscription);
            throw new SubscribeFailedException("could not subscribe to Redis in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(subscription);
            throw new SubscribeFailedException("interrupted", e);
        }
        scheduler.schedule(subscription);
    }

    public void stop(ChannelSubscription subscription) {
        subscription.close();
        hub.release(subscription);
    }

    /** The node could not subscribe to the channel (Redis unreachable or too slow). */
    public static class SubscribeFailedException extends RuntimeException {
        SubscribeFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
