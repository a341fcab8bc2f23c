package io.herald.dispatcher;

import io.herald.engine.retention.RetentionDefaults;
import io.herald.engine.retention.RetentionOverride;
import io.herald.engine.retention.RetentionSettings;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * Settings under {@code herald.dispatcher}.
 *
 * @param groupId       the Kafka consumer group (default {@code herald-dispatcher}); every dispatcher instance
 *                      of one deployment uses the same group so that each partition is applied by one of them
 * @param retention     hot history kept in Redis, per namespace
 * @param backoff       how a batch is retried while Redis (or the dead-letter topic) is unavailable
 * @param redisTimeout  how long one batch may wait for Redis replies before it counts as failed (default 5 s)
 * @param datasetCheck  how often an idle dispatcher checks that Redis still answers with the dataset it verified
 *                      (default 1 s): a failover or a flush is noticed, and what a new primary lacks re-applied,
 *                      within this even with no traffic (every batch checks too)
 * @param cluster       how batches are confirmed on a Redis Cluster ({@code spring.data.redis.cluster.nodes} set);
 *                      unused on a single primary or Sentinel
 * @param moves         how records that arrived on another partition than their channel's home partition are moved
 *                      there (docs/producers.md)
 */
@ConfigurationProperties("herald.dispatcher")
public record DispatcherProperties(
        @DefaultValue("herald-dispatcher") String groupId,
        @DefaultValue RetentionProperties retention,
        @DefaultValue Backoff backoff,
        @DefaultValue("5s") Duration redisTimeout,
        @DefaultValue("1s") Duration datasetCheck,
        @DefaultValue Cluster cluster,
        @DefaultValue Moves moves) {

    /**
     * A batch on a Redis Cluster counts as applied, and its offsets are committed, only when every primary it wrote to
     * confirmed with {@code WAIT} that its replicas hold the batch's writes: a replica promoted after that holds
     * them, however stale it is otherwise (docs/architecture.md, "Redis Cluster: WAIT before commit").
     *
     * @param waitReplicas    the fewest replicas that must confirm per primary (default 1); every live replica the
     *                        slot map lists for the primary must confirm too, so that whichever replica is promoted
     *                        holds the batch; 0 turns confirmation off (a stale promotion then loses records silently)
     * @param waitTimeout     how long a primary may take to confirm (default 1 s); a shard that cannot confirm in
     *                        time fails the batch, which is retried whole
     * @param topologyRefresh how often the slot map is refreshed besides after every failed batch (default 10 s)
     */
    public record Cluster(@DefaultValue("1") int waitReplicas, @DefaultValue("1s") Duration waitTimeout,
            @DefaultValue("10s") Duration topologyRefresh) {

        public Cluster {
            if (waitReplicas < 0) {
                throw new IllegalArgumentException("herald.dispatcher.cluster.wait-replicas must be 0 or more, not " + waitReplicas);
            }
            if (waitTimeout.isNegative() || waitTimeout.isZero()) {
                // WAIT with timeout 0 blocks until the replicas answer, however long that is
                throw new IllegalArgumentException("herald.dispatcher.cluster.wait-timeout must be positive, not " + waitTimeout);
            }
        }
    }

    /**
     * A record produced onto another partition than the one Kafka's default partitioner picks for its key (a
     * librdkafka, kafkajs or Go client's own default, or a producer naming the partition) is produced again to that
     * home partition and its offset committed, in one Kafka transaction per batch.
     *
     * @param transactionIdPrefix the transactional.id prefix of the moving producers (default: none, which means
     *                            {@code <group-id>-move-<group.instance.id>-} when static membership is configured,
     *                            else {@code <group-id>-move-<random>-}). A stable prefix per instance lets a
     *                            restarted dispatcher abort its predecessor's open transaction at once; with a random
     *                            one, such a transaction holds back readers of its partition until
     *                            {@code transaction-timeout} aborts it. Instances must not share a prefix.
     * @param transactionTimeout  the producer's transaction.timeout.ms (default 10 s, the consumer session timeout): how
     *                            long the broker lets a transaction of a dispatcher that died stay open
     */
    public record Moves(String transactionIdPrefix, @DefaultValue("10s") Duration transactionTimeout) {
    }

    /**
     * Retention per channel namespace ({@code user}, {@code topic}, ...): the keys of the engine's
     * {@link RetentionSettings}, which holds the defaults ({@code heraldctl} reads the same keys).
     *
     * @param defaults   {@code herald.dispatcher.retention.default.*}: used for every namespace without an override;
     *                   a field left out takes the built-in default
     * @param namespaces {@code herald.dispatcher.retention.namespaces.<ns>.*}: overrides; a field left out takes
     *                   the default's value
     */
    public record RetentionProperties(@Name("default") RetentionDefaults defaults,
            Map<String, RetentionOverride> namespaces) {

        public RetentionSettings settings() {
            return new RetentionSettings(defaults, namespaces);
        }
    }

    /**
     * Exponential backoff between attempts at the same batch. Retries never give up: a batch is never skipped.
     *
     * @param initial    the first delay (default 100 ms)
     * @param multiplier growth per attempt (default 2)
     * @param max        the longest delay (default 1 s): how late, at worst, batches flow again after Redis returns
     */
    public record Backoff(@DefaultValue("100ms") Duration initial, @DefaultValue("2.0") double multiplier,
            @DefaultValue("250ms") Duration max) {
    }
}
