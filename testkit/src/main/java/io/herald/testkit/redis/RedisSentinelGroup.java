package io.herald.testkit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A primary, a replica and three Sentinels (quorum 2), each a real {@code redis-server} process on a free
 * loopback port: the topology a production Redis with automatic failover has. Killing the primary with SIGKILL
 * makes the Sentinels promote the replica (in about 2-3 s with the 1 s {@code down-after} used here); Herald's
 * services follow through {@code spring.data.redis.sentinel.*} ({@link #springArgs()}).
 */
public final class RedisSentinelGroup implements RedisDeployment {

    public static final String MASTER_NAME = "herald";
    private static final Duration DOWN_AFTER = Duration.ofSeconds(1);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> data = new ArrayList<>();
    private final List<RedisServer> sentinels = new ArrayList<>();

    private RedisSentinelGroup() {
    }

    /** Starts the five processes and waits until the replica is in sync and every Sentinel sees it and the others. */
    public static RedisSentinelGroup start() {
        RedisSentinelGroup group = new RedisSentinelGroup();
        try {
            RedisServer primary = RedisServer.start();
            group.data.add(primary);
            RedisServer replica = RedisServer.start();
            group.data.add(replica);
            command(replica, c -> c.sync().replicaof("127.0.0.1", primary.port()));
            for (int i = 0; i < 3; i++) {
                group.sentinels.add(RedisServer.startSentinel(MASTER_NAME, primary.port(), DOWN_AFTER));
            }
            group.awaitReplicasInSync();
            return group;
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** {@code host:port} of each Sentinel, for {@code spring.data.redis.sentinel.nodes}. */
    public List<String> sentinelNodes() {
        return sentinels.stream().map(s -> "127.0.0.1:" + s.port()).toList();
    }

    /** The arguments that point a Herald service at this group. */
    @Override
    public List<String> springArgs() {
        return List.of("--spring.data.redis.sentinel.master=" + MASTER_NAME,
                "--spring.data.redis.sentinel.nodes=" + String.join(",", sentinelNodes()));
    }

    /** A Lettuce URI through the Sentinels (every connection goes to the current primary). */
    public RedisURI uri() {
        RedisURI.Builder builder = null;
        for (RedisServer sentinel : sentinels) {
            builder = builder == null ? RedisURI.Builder.sentinel("127.0.0.1", sentinel.port(), MASTER_NAME)
                    : builder.withSentinel("127.0.0.1", sentinel.port());
        }
        return builder.build();
    }

    /** The data server the Sentinels currently name as primary. */
    public RedisServer primary() {
        int port = primaryPort();
        return data.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no data server on the primary's port " + port));
    }

    /** Kills the current primary with SIGKILL and waits until the Sentinels promoted another server. */
    public RedisServer failover() {
        RedisServer old = primary();
        old.kill();
        Awaitility.await("sentinel failover").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> primaryPort() != old.port() && answers(primaryPort()));
        return primary();
    }

    /**
     * Fails over to a replica that missed the primary's last writes: the replica is cut off while the primary goes
     * on applying (under load), then the primary is killed and the Sentinels promote the stale replica. Returns the
     * killed primary.
     */
    public RedisServer failoverToStaleReplica() {
        RedisServer old = primary();
        RedisServer replica = data.stream().filter(s -> s != old).findFirst().orElseThrow();
        StaleReplica.isolateThenKillPrimary(old, List.of(replica));
        Awaitility.await("sentinel failover to the stale replica").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> primaryPort() == replica.port() && answers(replica.port()));
        return old;
    }

    /**
     * Starts the killed server again, empty, as a replica of the current primary, and waits until it is in sync,
     * so that the group can fail over once more.
     */
    public void restore(RedisServer killed) {
        killed.restart();
        command(killed, c -> c.sync().replicaof("127.0.0.1", primaryPort()));
        awaitReplicasInSync();
    }

    private void awaitReplicasInSync() {
        Awaitility.await("replicas in sync and known to every sentinel").atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    int primary = primaryPort();
                    for (RedisServer server : data) {
                        if (server.port() != primary && !inSync(server)) {
                            return false;
                        }
                    }
                    for (RedisServer sentinel : sentinels) {
                        try (RedisClient client = RedisClient.create(sentinel.url());
                                StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
                            if (c.sync().replicas(MASTER_NAME).size() < data.size() - 1
                                    || Integer.parseInt(c.sync().master(MASTER_NAME).getOrDefault("num-other-sentinels", "0"))
                                    < sentinels.size() - 1) {
                                return false;
                            }
                        }
                    }
                    return true;
                });
    }

    private int primaryPort() {
        for (RedisServer sentinel : sentinels) {
            try (RedisClient client = RedisClient.create(sentinel.url());
                    StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
                SocketAddress address = c.sync().getMasterAddrByName(MASTER_NAME);
                if (address instanceof InetSocketAddress inet) {
                    return inet.getPort();
                }
            } catch (RuntimeException e) {
                // that sentinel is not answering: ask the next
            }
        }
        throw new IllegalStateException("no sentinel names a primary for " + MASTER_NAME);
    }

    private boolean answers(int port) {
        return data.stream().filter(s -> s.port() == port).anyMatch(s -> {
            try {
                return command(s, c -> c.sync().ping()).equals("PONG");
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private static boolean inSync(RedisServer server) {
        String info = command(server, c -> c.sync().info("replication"));
        return info.contains("role:slave") && info.contains("master_link_status:up")
                && info.contains("master_sync_in_progress:0");
    }

    private static <T> T command(RedisServer server, java.util.function.Function<StatefulRedisConnection<String, String>, T> call) {
        try (RedisClient client = RedisClient.create(server.url()); StatefulRedisConnection<String, String> c = client.connect()) {
            return call.apply(c);
        }
    }

    @Override
    public void close() {
        sentinels.forEach(RedisServer::close);
        data.forEach(RedisServer::close);
    }
}
