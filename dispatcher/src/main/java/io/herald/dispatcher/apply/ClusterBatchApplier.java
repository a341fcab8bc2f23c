package io.herald.dispatcher.apply;

import io.herald.engine.apply.ApplyCommand;
import io.herald.core.position.Position;
import io.herald.redis.ApplyResult;
import io.herald.redis.ApplyScript;
import io.herald.redis.RedisKeys;
import io.herald.dispatcher.apply.Replies.Reply;
import io.herald.dispatcher.redis.ClusterNodes;
import io.herald.dispatcher.redis.RedisConnections;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch to a Redis Cluster: the records are grouped by the primary that serves their channel's slot (a
 * channel's keys and its pub/sub channel share one hash tag), each primary's share is pipelined on a connection of
 * its own as EVALSHA calls of one slot's records each (up to 100, a channel's together, {@link ApplyCalls}), and all
 * of them are flushed before any reply is awaited. The script publishes with SPUBLISH, which reaches the subscribers
 * of the slot's shard.
 *
 * <p>Each primary's pipeline starts with SCRIPT LOAD, as on a single primary ({@link BatchApplier} says why), so a
 * freshly promoted or restarted node has the script before the first EVALSHA; a NOSCRIPT can then only come from a
 * SCRIPT FLUSH during the send, and the batch is sent once more.
 *
 * <p>Each primary's pipeline ends with a short-lived {@code SET herald:{<channel>}:wait} (so that the connection's
 * replication offset is the primary's, see {@link #send}) and {@code WAIT <replicas> <timeout>}: the batch succeeds only when every primary
 * it wrote to says that many replicas hold everything written on that connection so far. Only then does the
 * listener return and the container commit the batch's offsets. A primary that fails, answers MOVED or ASK (a slot
 * moved; the node connections do not follow redirects), or cannot get its replicas' confirmation fails the batch:
 * nothing is committed, the slot map is refreshed, and the whole batch is applied again where the map now says,
 * the apply script dropping what a node already holds by position. Every earlier batch was confirmed on a replica,
 * so a replica promoted in between holds everything before this batch, and the retry fills in the rest in order.
 */
public final class ClusterBatchApplier implements Applier {

    private static final Logger log = LoggerFactory.getLogger(ClusterBatchApplier.class);

    /** How long a WAIT marker key lives; it only needs to exist when the WAIT right after it is processed. */
    private static final long WAIT_MARKER_TTL = 10_000;

    private final ClusterNodes nodes;
    private final ApplyScript script = new ApplyScript(true);
    private final int waitReplicas;
    private final Duration waitTimeout;
    private final Duration timeout;

    /**
     * @param waitReplicas replicas that must confirm each primary's writes (0: no confirmation)
     * @param waitTimeout  how long a primary may wait for them
     * @param timeout      how long one send may wait for the apply replies, on top of {@code waitTimeout}
     */
    public ClusterBatchApplier(ClusterNodes nodes, int waitReplicas, Duration waitTimeout, Duration timeout) {
        this.nodes = nodes;
        this.waitReplicas = waitReplicas;
        this.waitTimeout = waitTimeout;
        this.timeout = timeout;
    }

    @Override
    public BatchOutcome apply(List<ApplyCommand> commands) {
        int n = commands.size();
        ApplyResult[] results = new ApplyResult[n];
        long[] appliedPrev = new long[n];
        Arrays.fill(appliedPrev, ApplyGaps.NOT_APPLIED);
        if (n == 0) {
            return outcome(commands, results, appliedPrev, null);
        }
        Map<String, Share> shares;
        try {
            shares = route(commands);
        } catch (RuntimeException e) {
            refresh();
            return outcome(commands, results, appliedPrev, e);
        }
        SendErrors errors = send(shares, commands, results, appliedPrev);
        if (errors.onlyNoScript()) {
            log.info("a redis cluster node lost the apply script during a batch (SCRIPT FLUSH?), resending the batch records={}", n);
            errors = send(shares, commands, results, appliedPrev);
        }
        if (errors.any()) {
            refresh();
        }
        return outcome(commands, results, appliedPrev, errors.first());
    }

    /** One primary's part of a batch: the indexes of its commands, in Kafka order. */
    private record Share(RedisClusterNode node, List<Integer> indexes) {
    }

    private Map<String, Share> route(List<ApplyCommand> commands) {
        Map<String, Share> shares = new LinkedHashMap<>();
        for (int i = 0; i < commands.size(); i++) {
            RedisClusterNode node = nodes.primaryFor(SlotHash.getSlot(RedisKeys.log(commands.get(i).channel())));
            shares.computeIfAbsent(node.getNodeId(), id -> new Share(node, new ArrayList<>())).indexes().add(i);
        }
        return shares;
    }

    private void refresh() {
        try {
            nodes.refresh();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("redis cluster slot map refresh failed", e);
        }
    }

    /** A share queued on a borrowed connection, with its replies to come. */
    private record Sent(Share share, RedisConnections pool, StatefulRedisConnection<String, String> connection,
            CompletableFuture<String> load, List<ApplyCalls.Sent> calls, RedisFuture<Long> confirmed,
            int replicas) {
    }

    /**
     * Every live replica the slot map lists for the primary, and never fewer than {@code wait-replicas} (0 turns
     * confirmation off). Waiting for one replica is not enough when a shard has more: the one that confirmed may be
     * out of reach when the primary fails, and another, behind, wins the election. Redis Cluster moves replicas
     * between shards by itself (replica migration), so a shard's count is read from the slot map, not configured.
     */
    private int replicasToConfirm(RedisClusterNode primary) {
        return waitReplicas == 0 ? 0 : Math.max(waitReplicas, nodes.liveReplicasOf(primary));
    }

    private SendErrors send(Map<String, Share> shares, List<ApplyCommand> commands, ApplyResult[] results,
            long[] appliedPrev) {
        List<Sent> sent = new ArrayList<>(shares.size());
        SendErrors errors = new SendErrors();
        try {
            for (Share share : shares.values()) {
                RedisConnections pool = nodes.connections(share.node());
                StatefulRedisConnection<String, String> connection;
                try {
                    connection = pool.borrow();
                } catch (RuntimeException e) {
                    // this primary's records get no result; the other primaries' are still sent
                    errors.add(e);
                    continue;
                }
                RedisAsyncCommands<String, String> redis = connection.async();
                CompletableFuture<String> load = ApplyScript.load(redis).toCompletableFuture();
                // a call may only touch keys of one slot
                List<ApplyCalls.Sent> calls = ApplyCalls.queue(redis, script, commands, share.indexes(), true,
                        command -> Position.NONE);
                RedisFuture<Long> confirmed = null;
                int replicas = replicasToConfirm(share.node());
                if (replicas > 0) {
                    // WAIT counts this connection's last write: a batch of duplicates writes nothing, yet the records
                    // it found may have been written by another connection (a consumer that held the partition
                    // before a rebalance) and not replicated yet. One small write makes the connection's offset the
                    // primary's current one, so WAIT covers everything the primary applied before it, by anyone.
                    redis.set(waitMarker(commands.get(share.indexes().get(0))), "", SetArgs.Builder.px(WAIT_MARKER_TTL));
                    confirmed = redis.waitForReplication(replicas, waitTimeout.toMillis());
                }
                sent.add(new Sent(share, pool, connection, load, calls, confirmed, replicas));
            }
            sent.forEach(s -> s.connection().flushCommands());

            long deadline = System.nanoTime() + timeout.plus(waitTimeout).toNanos();
            for (Sent s : sent) {
                Throwable loadError = Replies.await(s.load(), deadline, timeout).error();
                ApplyCalls.await(s.calls(), deadline, timeout, loadError, results, appliedPrev, errors);
                if (s.confirmed() != null) {
                    Reply<Long> replicas = Replies.await(s.confirmed(), deadline, timeout);
                    Throwable error = replicas.error() != null ? replicas.error()
                            : replicas.value() < s.replicas() ? new UnconfirmedWriteException(ClusterNodes.address(s.share().node()),
                                    replicas.value(), s.replicas(), waitTimeout.toMillis()) : null;
                    if (error != null) {
                        errors.add(error);
                    }
                }
            }
        } finally {
            sent.forEach(s -> s.pool().release(s.connection()));
        }
        return errors;
    }

    /** A key in the slot of the command's channel (its hash tag), so it lives on the primary the share went to. */
    private static String waitMarker(ApplyCommand command) {
        return RedisKeys.pubsub(command.channel()) + ":wait";
    }

    private static BatchOutcome outcome(List<ApplyCommand> commands, ApplyResult[] results, long[] appliedPrev,
            Throwable failure) {
        return new BatchOutcome(Arrays.asList(results), ApplyGaps.find(commands, appliedPrev), failure);
    }
}
