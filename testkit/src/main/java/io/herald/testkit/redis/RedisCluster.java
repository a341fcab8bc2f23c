package io.herald.testkit.redis;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.awaitility.Awaitility;

/**
 * A Redis Cluster of three primaries, each with one replica: six real {@code redis-server} processes on free
 * loopback ports below 55535, joined with {@code CLUSTER MEET}, slots split in three ranges as
 * {@code redis-cli --cluster create} does. A node is considered failed after {@link #NODE_TIMEOUT}, so killing a
 * primary with SIGKILL makes its replica take over in about two seconds.
 *
 * <p>Faults: {@link #failover(int)} kills a shard's primary and waits for its replica's promotion,
 * {@link #migrateSlot(int, RedisServer)} moves one slot (and its keys) to another primary, as resharding does,
 * and pausing {@link #replicaFor(int)} leaves a replica behind its primary, for a stale promotion.
 */
public final class RedisCluster implements RedisDeployment {

    public static final Duration NODE_TIMEOUT = Duration.ofMillis(1000);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int SLOTS = SlotHash.SLOT_COUNT;
    private static final int SHARDS = 3;

    private final List<RedisServer> nodes = new ArrayList<>();
    /** One client (one set of event loops) for every admin command; a connection per command. */
    private final RedisClient admin = RedisClient.create();

    private RedisCluster() {
    }

    /** Starts the six nodes, assigns the slots, attaches the replicas and waits until every node says ok. */
    public static RedisCluster start() {
        RedisCluster cluster = new RedisCluster();
        try {
            for (int i = 0; i < SHARDS * 2; i++) {
                cluster.nodes.add(RedisServer.startClusterNode(NODE_TIMEOUT));
            }
            cluster.form();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void form() {
        RedisServer first = nodes.get(0);
        for (int shard = 0; shard < SHARDS; shard++) {
            int from = shard * SLOTS / SHARDS;
            int to = (shard + 1) * SLOTS / SHARDS - 1;
            command(nodes.get(shard), c -> c.clusterAddSlotsRange(Range.create(from, to)));
        }
        for (RedisServer node : nodes.subList(1, nodes.size())) {
            command(node, c -> c.clusterMeet("127.0.0.1", first.port()));
        }
        Awaitility.await("every node knows every other").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> nodes.stream().allMatch(n -> command(n, c -> c.clusterNodes()).lines()
                        .filter(l -> !l.contains("handshake") && !l.contains("noaddr")).count() == nodes.size()));
        for (int shard = 0; shard < SHARDS; shard++) {
            String primaryId = nodeId(nodes.get(shard));
            command(nodes.get(shard + SHARDS), c -> c.clusterReplicate(primaryId));
        }
        awaitHealthy();
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok}, every slot is served and each primary
     * has a replica in sync.
     */
    public void awaitHealthy() {
        String[] why = {""};
        try {
            Awaitility.await("cluster ok with a synced replica per shard").atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        why[0] = unhealthy();
                        return why[0] == null;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("cluster not healthy: " + why[0], e);
        }
    }

    /** Why the cluster is not healthy yet, or null when it is. */
    private String unhealthy() {
        for (RedisServer node : running()) {
            String info = command(node, c -> c.clusterInfo());
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:" + SLOTS)) {
                return node + " says " + info.lines().limit(4).toList();
            }
            String replication = command(node, c -> c.info("replication"));
            if (replication.contains("role:slave") && !(replication.contains("master_link_status:up")
                    && replication.contains("master_sync_in_progress:0"))) {
                return node + " is a replica not in sync";
            }
        }
        for (RedisServer node : nodes) {
            try {
                command(node, RedisCommands::ping);
            } catch (RuntimeException e) {
                return node + " does not answer: " + e + "; its log:\n"
                        + io.herald.testkit.support.LogTail.of(node.logFile(), 0, 40);
            }
        }
        List<RedisServer> primaries = primaries();
        if (primaries.size() != SHARDS) {
            return primaries.size() + " primaries: " + primaries + "; nodes of " + nodes.get(0) + ":\n"
                    + command(nodes.get(0), c -> c.clusterNodes());
        }
        return null;
    }

    /** Every node, primaries and replicas, running or not. */
    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** The running nodes that serve slots now. */
    public List<RedisServer> primaries() {
        return running().stream().filter(n -> command(n, c -> c.info("replication")).contains("role:master")
                && ownsSlots(n)).toList();
    }

    /** The primary that serves {@code key}'s slot now. */
    public RedisServer primaryFor(String key) {
        return primaryForSlot(SlotHash.getSlot(key));
    }

    public RedisServer primaryForSlot(int slot) {
        return running().stream().filter(n -> command(n, c -> c.info("replication")).contains("role:master")
                && owns(n, slot)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no running primary serves slot " + slot));
    }

    /** A replica of {@code primary}, if one runs. */
    public Optional<RedisServer> replicaOf(RedisServer primary) {
        return replicasOf(primary).stream().findFirst();
    }

    /**
     * Every running replica of {@code primary}. Usually one, but Redis moves replicas between shards by itself
     * (replica migration): after a failover and a restore a shard may have two.
     */
    public List<RedisServer> replicasOf(RedisServer primary) {
        String id = nodeId(primary);
        return running().stream().filter(n -> n != primary)
                .filter(n -> command(n, c -> c.clusterNodes()).lines()
                        .anyMatch(l -> l.contains("myself") && l.contains("slave") && l.contains(id)))
                .toList();
    }

    /**
     * Makes {@code replica} replicate {@code primary} instead ({@code CLUSTER REPLICATE}), as Redis's replica
     * migration or an operator would, and waits until it is in sync: the primary then has one more replica, and the
     * replica's former primary one fewer.
     */
    public void moveReplica(RedisServer replica, RedisServer primary) {
        String primaryId = nodeId(primary);
        command(replica, c -> c.clusterReplicate(primaryId));
        Awaitility.await("replica " + replica + " in sync with " + primary).atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    String info = command(replica, c -> c.info("replication"));
                    return info.contains("master_port:" + primary.port()) && info.contains("master_link_status:up")
                            && info.contains("master_sync_in_progress:0");
                });
        awaitHealthy();
    }

    /** {@code host:port} of every node, for {@code spring.data.redis.cluster.nodes}. */
    public List<String> clusterNodes() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList();
    }

    /** The arguments that point a Herald service at this cluster. */
    @Override
    public List<String> springArgs() {
        return List.of("--spring.data.redis.cluster.nodes=" + String.join(",", clusterNodes()));
    }

    /** Lettuce seed URIs (any node leads to the whole topology). */
    public List<RedisURI> uris() {
        return nodes.stream().map(n -> RedisURI.create(n.url())).toList();
    }

    /**
     * Kills the primary serving {@code slot} with SIGKILL and waits until its replica serves the slot; returns the
     * killed node, which {@link #restore(RedisServer)} brings back as a replica.
     */
    public RedisServer failover(int slot) {
        RedisServer old = primaryForSlot(slot);
        old.kill();
        Awaitility.await("replica promoted for slot " + slot).atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> running().stream().anyMatch(n -> n != old && answers(n)
                        && command(n, c -> c.info("replication")).contains("role:master") && owns(n, slot)
                        && command(n, c -> c.clusterInfo()).contains("cluster_state:ok")));
        return old;
    }

    /**
     * Fails the slot's shard over to a replica that missed its primary's last writes: the replica is cut off while
     * the primary goes on applying (under load), then the primary is killed and the cluster promotes the stale
     * replica. Returns the killed primary.
     */
    public RedisServer failoverToStaleReplica(int slot) {
        RedisServer old = primaryForSlot(slot);
        List<RedisServer> replicas = replicasOf(old);
        if (replicas.isEmpty()) {
            throw new IllegalStateException("no running replica of " + old);
        }
        StaleReplica.isolateThenKillPrimary(old, replicas);
        Awaitility.await("stale replica promoted for slot " + slot).atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> replicas.stream().anyMatch(replica -> answers(replica)
                        && command(replica, c -> c.info("replication")).contains("role:master") && owns(replica, slot)
                        && command(replica, c -> c.clusterInfo()).contains("cluster_state:ok")));
        return old;
    }

    /**
     * Starts a killed node again, empty; it rejoins from its {@code nodes.conf} as a replica of whoever took its
     * slots, and this waits until the cluster is healthy again.
     */
    public void restore(RedisServer killed) {
        killed.restart();
        awaitHealthy();
    }

    /**
     * Moves {@code slot}, with its keys, from its primary to {@code target} (another primary), the way
     * {@code redis-cli --cluster reshard} does: IMPORTING/MIGRATING, MIGRATE in batches, then SETSLOT NODE on
     * both ends. Clients see ASK redirections meanwhile and MOVED afterwards.
     */
    public void migrateSlot(int slot, RedisServer target) {
        RedisServer source = primaryForSlot(slot);
        if (source == target) {
            return;
        }
        String sourceId = nodeId(source);
        String targetId = nodeId(target);
        command(target, c -> c.clusterSetSlotImporting(slot, sourceId));
        command(source, c -> c.clusterSetSlotMigrating(slot, targetId));
        while (true) {
            List<String> keys = command(source, c -> c.clusterGetKeysInSlot(slot, 100));
            if (keys.isEmpty()) {
                break;
            }
            command(source, c -> c.migrate("127.0.0.1", target.port(), 0, 5000,
                    MigrateArgs.Builder.keys(keys)));
        }
        command(target, c -> c.clusterSetSlotNode(slot, targetId));
        command(source, c -> c.clusterSetSlotNode(slot, targetId));
        for (RedisServer node : primaries()) {
            if (node != source && node != target) {
                command(node, c -> c.clusterSetSlotNode(slot, targetId));
            }
        }
        Awaitility.await("slot " + slot + " served by " + target).atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> running().stream().allMatch(n -> slotOwner(n, slot).equals(targetId)));
    }

    /** The replica of the primary serving {@code slot}: pause it to make it stale, kill that primary to promote it. */
    public RedisServer replicaFor(int slot) {
        RedisServer primary = primaryForSlot(slot);
        return replicaOf(primary).orElseThrow(() -> new IllegalStateException("no running replica of " + primary));
    }

    private List<RedisServer> running() {
        return nodes.stream().filter(this::answers).toList();
    }

    private boolean ownsSlots(RedisServer node) {
        String id = nodeId(node);
        return command(node, c -> c.clusterNodes()).lines()
                .anyMatch(l -> l.startsWith(id) && l.split(" ").length > 8);
    }

    private boolean owns(RedisServer node, int slot) {
        return slotOwner(node, slot).equals(nodeId(node));
    }

    /** The id of the node that {@code node} believes serves {@code slot}. */
    private String slotOwner(RedisServer node, int slot) {
        for (String line : command(node, c -> c.clusterNodes()).lines().toList()) {
            String[] fields = line.split(" ");
            for (int i = 8; i < fields.length; i++) {
                String range = fields[i];
                if (range.startsWith("[")) {
                    continue; // a slot being imported or migrated: not served by this line's node yet
                }
                int dash = range.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
                if (slot >= from && slot <= to) {
                    return fields[0];
                }
            }
        }
        return "";
    }

    private String nodeId(RedisServer node) {
        return command(node, RedisCommands::clusterMyId);
    }

    private boolean answers(RedisServer node) {
        try {
            return "PONG".equals(command(node, RedisCommands::ping));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private <T> T command(RedisServer server, Function<RedisCommands<String, String>, T> call) {
        try (StatefulRedisConnection<String, String> c = admin.connect(RedisURI.create(server.url()))) {
            return call.apply(c.sync());
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
        admin.shutdown();
    }
}
