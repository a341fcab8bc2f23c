package io.herald.edge.redis;

import io.herald.redis.CommandConnection;
import io.herald.redis.RedisEndpoint;
import io.lettuce.core.ClientOptions;
import io.herald.redis.RedisClientFactory;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The node's pub/sub on a Redis Cluster: each channel is SSUBSCRIBEd on a connection of its own to the primary that
 * serves the channel's slot (where the dispatcher SPUBLISHes it), one connection per such primary, and moved by this
 * class whenever that stops being true. Lettuce's cluster pub/sub does not do it: its node connections keep
 * reconnecting to a dead primary's address, and sharded subscriptions are not moved to a slot's new owner (Lettuce
 * issues 2940, 3213).
 *
 * <p>Where each channel should be is read from the cluster client's view of the slots ({@code CLUSTER NODES} of
 * every node, refreshed every {@code spring.data.redis.lettuce.cluster.refresh.period}, on MOVED/ASK, and at once
 * whenever this class finds a channel out of place). A channel is re-homed when:
 * <ul>
 *   <li>the connection it is subscribed on drops (its primary died or restarted: node connections do not reconnect
 *       by themselves, so a failed primary is never retried in place);</li>
 *   <li>Redis unsubscribes it (a primary sends SUNSUBSCRIBE for the channels of a slot it no longer serves: a slot
 *       migrated away, or the primary demoted to a replica);</li>
 *   <li>the view of the slots names another primary for it (a topology change event, or the check every second).</li>
 * </ul>
 * Re-homing reports the channel {@linkplain Events#interrupted interrupted} first, then SSUBSCRIBEs it on the
 * current primary; the hub catches its subscribers up once that is confirmed, so whatever was published while it
 * was away is read from the log and nothing published afterwards can be missed. Until a primary serves the slot
 * again (a failover takes the cluster's node timeout plus an election), the attempt is repeated every
 * {@link #RETRY}. All of it runs on one thread ({@code herald-pubsub-rehome}), which owns the placement state.
 *
 * <p>Meters: {@code herald.edge.pubsub.rehomed} (channel subscriptions that lost their place: their connection
 * dropped, Redis unsubscribed them, or their slot moved; each is subscribed again and caught up),
 * {@code herald.edge.pubsub.nodes} (open connections to primaries).
 */
public final class ClusterPubSub implements PubSubTransport {

    private static final Logger log = LoggerFactory.getLogger(ClusterPubSub.class);
    /** How often a channel without a home is tried again, and the local placement check runs. */
    static final Duration RETRY = Duration.ofMillis(250);
    private static final Duration CHECK = Duration.ofSeconds(1);

    private final RedisClusterClient cluster;
    private final RedisClient nodes;
    private final RedisURI credentials;
    private final CommandConnection commands;
    private final Counter rehomed;
    private final ScheduledExecutorService rehomer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "herald-pubsub-rehome");
        thread.setDaemon(true);
        return thread;
    });
    /** The channels the node wants, and where each is subscribed now; written on the re-home thread only. */
    private final Map<String, Home> homes = new ConcurrentHashMap<>();
    /** Open connections by primary node id; re-home thread only. */
    private final Map<String, NodeLink> links = new ConcurrentHashMap<>();
    private final Set<String> everLinked = new HashSet<>();
    private Events events;
    private Disposable topologyEvents;
    private boolean retryScheduled;
    private boolean pendingLogged;
    private volatile boolean closing;

    public ClusterPubSub(RedisClusterClient cluster, RedisClientFactory clients, CommandConnection commands,
            MeterRegistry meters) {
        this.cluster = cluster;
        this.commands = commands;
        this.credentials = clients.endpoint().clusterUris().get(0);
        // a dropped node connection is re-homed, never reconnected in place: its primary may be gone for good
        this.nodes = clients.client(new RedisClientFactory.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(2)), false);
        this.rehomed = meters.counter("herald.edge.pubsub.rehomed");
        meters.gauge("herald.edge.pubsub.nodes", links, Map::size);
    }

    @Override
    public void start(Events events) {
        this.events = events;
        cluster.getPartitions(); // the first view of the slots, read now rather than on the first subscribe
        nodes.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (!closing) {
                    onRehomer(() -> linkLost(handler));
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
            }
        });
        topologyEvents = cluster.getResources().eventBus().get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(event -> onRehomer(() -> reconcile("topology changed")));
        rehomer.scheduleWithFixedDelay(() -> reconcile("placement check"), CHECK.toMillis(), CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Void> subscribe(String pubsubChannel) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        onRehomer(() -> {
            Home home = homes.computeIfAbsent(pubsubChannel, Home::new);
            NodeLink link = home.link;
            if (link != null && link.isOpen()) {
                // already placed: SSUBSCRIBE again on the same connection, which repairs a subscription Redis dropped
                link.ssubscribe(pubsubChannel).whenComplete((ok, error) -> complete(confirmed, error));
                return;
            }
            if (link == null && home.confirmedOnce) {
                // being re-homed: confirmed once it is placed
                home.waiting.add(confirmed);
                return;
            }
            home.waiting.add(confirmed);
            place(home);
        });
        return confirmed;
    }

    @Override
    public void unsubscribe(String pubsubChannel) {
        onRehomer(() -> {
            Home home = homes.remove(pubsubChannel);
            if (home != null && home.link != null) {
                detach(home);
            }
        });
    }

    @Override
    public List<String> canaryChannels(String base) {
        List<String> channels = new ArrayList<>();
        List<RedisClusterNode> primaries = cluster.getPartitions().getPartitions().stream()
                .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getSlots().isEmpty())
                .sorted(Comparator.comparing(n -> n.getSlots().get(0))).toList();
        for (RedisClusterNode primary : primaries) {
            for (int tag = 0; ; tag++) {
                String channel = base + ":{s" + tag + "}";
                if (primary.hasSlot(SlotHash.getSlot(channel))) {
                    channels.add(channel);
                    break;
                }
            }
        }
        return channels;
    }

    @Override
    public CompletableFuture<Void> publish(String channel, String payload) {
        return commands.async().spublish(channel, payload).toCompletableFuture().thenApply(ignored -> null);
    }

    /** False while a channel that was subscribed is without an open connection (being re-homed). */
    @Override
    public boolean isConnected() {
        for (Home home : homes.values()) {
            NodeLink link = home.link;
            if (home.confirmedOnce && (link == null || !link.isOpen())) {
                return false;
            }
        }
        return true;
    }

    /** SSUBSCRIBEs a channel without a home on the primary that serves its slot now; re-home thread. */
    private void place(Home home) {
        RedisClusterNode primary = cluster.getPartitions().getMasterBySlot(home.slot);
        NodeLink link;
        try {
            if (primary == null) {
                throw new IllegalStateException("no primary serves slot " + home.slot);
            }
            link = link(primary);
        } catch (RuntimeException e) {
            unplaced(home, e);
            return;
        }
        home.link = link;
        link.channels.add(home.channel);
        link.ssubscribe(home.channel).whenComplete((ok, error) -> onRehomer(() -> {
            if (error == null) {
                home.confirmedOnce = true;
                home.waiting.forEach(waiting -> waiting.complete(null));
                home.waiting.clear();
                return;
            }
            if (home.link == link) { // MOVED (the view of the slots is behind), or the connection dropped meanwhile
                link.channels.remove(home.channel);
                home.link = null;
                unplaced(home, error);
            }
        }));
    }

    /**
     * A channel that could not be placed: a first subscribe fails at once (the client gets {@code unavailable} and
     * may try again); one that was subscribed before waits for its slot's next primary.
     */
    private void unplaced(Home home, Throwable error) {
        if (!home.confirmedOnce) {
            homes.remove(home.channel, home);
            home.waiting.forEach(waiting -> waiting.completeExceptionally(error));
            home.waiting.clear();
            return;
        }
        if (!pendingLogged) {
            pendingLogged = true;
            log.warn("pub/sub re-home pending, retrying every {} ms channel={} slot={} error=\"{}\"", RETRY.toMillis(),
                    home.channel, home.slot, error.toString());
        }
        retrySoon();
    }

    /** A node connection dropped: its channels are re-homed, on the same node if it still serves their slots. */
    private void linkLost(RedisChannelHandler<?, ?> handler) {
        NodeLink lost = links.values().stream().filter(l -> l.connection == handler).findFirst().orElse(null);
        if (lost == null || links.get(lost.nodeId) != lost) {
            return;
        }
        links.remove(lost.nodeId);
        Set<String> channels = Set.copyOf(lost.channels);
        log.warn("pub/sub node connection lost node={} channels={}", lost.address, channels.size());
        if (channels.isEmpty()) {
            return;
        }
        events.interrupted(channels::contains, "connection to " + lost.address + " lost");
        rehomed.increment(channels.size());
        for (String channel : channels) {
            Home home = homes.get(channel);
            if (home != null && home.link == lost) {
                home.link = null;
                if (!home.confirmedOnce) { // its first SSUBSCRIBE was in flight: that subscribe fails
                    unplaced(home, new IllegalStateException("connection to " + lost.address + " lost"));
                }
            }
        }
        // the node may be dead: read the slots again before trying (the retry places them)
        retrySoon();
    }

    /** Redis unsubscribed a channel we did not release: its slot is no longer served there. */
    private void droppedByServer(NodeLink link, String channel) {
        Home home = homes.get(channel);
        if (home == null || home.link != link) {
            return; // released or already moved by us
        }
        link.channels.remove(channel);
        home.link = null;
        if (!home.confirmedOnce) {
            unplaced(home, new IllegalStateException("unsubscribed by " + link.address));
            return;
        }
        log.info("pub/sub channel unsubscribed by its node, re-homing channel={} node={}", channel, link.address);
        events.interrupted(channel::equals, "unsubscribed by " + link.address);
        rehomed.increment();
        retrySoon();
    }

    private void retrySoon() {
        if (retryScheduled || closing) {
            return;
        }
        retryScheduled = true;
        rehomer.schedule(() -> cluster.refreshPartitionsAsync().whenComplete((ok, error) -> onRehomer(() -> {
            retryScheduled = false;
            reconcile("retry");
        })), RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Moves every channel that is not subscribed on its slot's primary (per the current view of the slots) there,
     * reporting them interrupted first; re-home thread.
     */
    private void reconcile(String reason) {
        if (closing) {
            return;
        }
        try {
            Map<String, List<Home>> moving = new HashMap<>();
            List<Home> unplaced = new ArrayList<>();
            for (Home home : homes.values()) {
                RedisClusterNode primary = cluster.getPartitions().getMasterBySlot(home.slot);
                NodeLink link = home.link;
                if (link == null) {
                    if (home.confirmedOnce) {
                        unplaced.add(home);
                    }
                } else if (!link.isOpen() || primary == null || !link.nodeId.equals(primary.getNodeId())) {
                    moving.computeIfAbsent(link.address + " to "
                            + (primary == null ? "none" : address(primary)), k -> new ArrayList<>()).add(home);
                }
            }
            moving.forEach((route, homesMoving) -> {
                Set<String> channels = new HashSet<>();
                homesMoving.forEach(home -> channels.add(home.channel));
                log.info("pub/sub re-homing channels={} from={} reason=\"{}\"", channels.size(), route, reason);
                events.interrupted(channels::contains, "slot moved from " + route);
                rehomed.increment(channels.size());
                homesMoving.forEach(this::detach);
                unplaced.addAll(homesMoving);
            });
            if (!unplaced.isEmpty()) {
                for (Home home : unplaced) {
                    place(home);
                }
                if (unplaced.stream().allMatch(home -> home.link != null)) {
                    log.info("pub/sub re-homed channels={} reason=\"{}\"", unplaced.size(), reason);
                    pendingLogged = false;
                }
            }
            closeIdleLinks();
        } catch (RuntimeException e) {
            log.warn("pub/sub placement check failed error=\"{}\"", e.toString());
            retrySoon();
        }
    }

    /** Takes a channel off its connection (SUNSUBSCRIBE there if it is still open). */
    private void detach(Home home) {
        NodeLink link = home.link;
        home.link = null;
        link.channels.remove(home.channel);
        if (link.isOpen()) {
            link.connection.async().sunsubscribe(home.channel);
        }
    }

    private void closeIdleLinks() {
        for (NodeLink link : List.copyOf(links.values())) {
            if (link.channels.isEmpty()) {
                links.remove(link.nodeId);
                link.connection.closeAsync();
            }
        }
    }

    /** The open connection to a primary, made when there is none. */
    private NodeLink link(RedisClusterNode primary) {
        NodeLink link = links.get(primary.getNodeId());
        if (link != null && link.isOpen()) {
            return link;
        }
        RedisURI uri = RedisURI.Builder.redis(primary.getUri().getHost(), primary.getUri().getPort())
                .withAuthentication(credentials).build();
        StatefulRedisPubSubConnection<String, String> connection = nodes.connectPubSub(uri);
        NodeLink created = new NodeLink(primary.getNodeId(), address(primary), connection);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(String pubsubChannel, String payload) {
                events.message(pubsubChannel, payload);
            }

            @Override
            public void ssubscribed(String pubsubChannel, long count) {
                events.subscribed(pubsubChannel);
            }

            @Override
            public void sunsubscribed(String pubsubChannel, long count) {
                onRehomer(() -> droppedByServer(created, pubsubChannel));
            }
        });
        links.put(created.nodeId, created);
        if (!everLinked.add(created.nodeId)) {
            events.reconnected();
        }
        log.info("pub/sub node connection opened node={} id={}", created.address, created.nodeId);
        return created;
    }

    /** Runs a task on the re-home thread, which owns the placement state; nothing once closing. */
    private void onRehomer(Runnable task) {
        if (closing) {
            return;
        }
        try {
            rehomer.execute(task);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private static String address(RedisClusterNode node) {
        return node.getUri().getHost() + ":" + node.getUri().getPort();
    }

    private static void complete(CompletableFuture<Void> future, Throwable error) {
        if (error == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(error);
        }
    }

    @Override
    public void close() {
        closing = true;
        if (topologyEvents != null) {
            topologyEvents.dispose();
        }
        rehomer.shutdownNow();
        links.values().forEach(link -> link.connection.close());
        nodes.shutdown();
    }

    /** A channel the node wants: its slot, and the connection it is subscribed on ({@code null}: being placed). */
    private static final class Home {
        final String channel;
        final int slot;
        final List<CompletableFuture<Void>> waiting = new ArrayList<>();
        volatile NodeLink link;
        volatile boolean confirmedOnce;

        Home(String channel) {
            this.channel = channel;
            this.slot = SlotHash.getSlot(channel);
        }
    }

    /** The pub/sub connection to one primary, and the channels subscribed on it. */
    private static final class NodeLink {
        final String nodeId;
        final String address;
        final StatefulRedisPubSubConnection<String, String> connection;
        final Set<String> channels = new HashSet<>();

        NodeLink(String nodeId, String address, StatefulRedisPubSubConnection<String, String> connection) {
            this.nodeId = nodeId;
            this.address = address;
            this.connection = connection;
        }

        boolean isOpen() {
            return connection.isOpen();
        }

        CompletableFuture<Void> ssubscribe(String channel) {
            return connection.async().ssubscribe(channel).toCompletableFuture().thenApply(ignored -> null);
        }
    }
}
