package io.herald.core.kafka;

import java.util.Map;

/**
 * How a Herald service that creates the notifications topic and its dead-letter topic on a cluster replicates
 * them ({@code herald.kafka.replication-factor}, {@code herald.kafka.min-insync-replicas}), so that ingest and the
 * dispatcher, whichever starts first, create the same thing.
 *
 * <p>0 means "from the cluster's size": replication factor {@code min(3, brokers)}, so a single development broker
 * gets 1 and a production cluster 3; min ISR 2 once there are 3 replicas or more, else 1. With min ISR 2 and
 * {@code acks=all} (ingest's producer), a 202 means the record is on at least two brokers, and writes go on while
 * one broker is down; with 2 replicas, min ISR 1 keeps writes going while one is down, at the cost of an
 * acknowledgement from a single broker.
 *
 * @param replicationFactor replicas per partition, 0 for {@code min(3, brokers)}
 * @param minInsyncReplicas the topics' {@code min.insync.replicas}, 0 for 2 with 3 replicas or more, else 1
 */
public record TopicReplication(int replicationFactor, int minInsyncReplicas) {

    /** The topic config that {@link Resolved#minInsyncReplicas()} goes to. */
    public static final String MIN_INSYNC_REPLICAS_CONFIG = "min.insync.replicas";

    /** Both from the cluster's size. */
    public static final TopicReplication AUTO = new TopicReplication(0, 0);

    public TopicReplication {
        if (replicationFactor < 0 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("herald.kafka.replication-factor must be 0 (from the cluster's size)"
                    + " or a replica count, was " + replicationFactor);
        }
        if (minInsyncReplicas < 0) {
            throw new IllegalArgumentException("herald.kafka.min-insync-replicas must be 0 (from the replication"
                    + " factor) or a replica count, was " + minInsyncReplicas);
        }
        if (replicationFactor > 0 && minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("herald.kafka.min-insync-replicas (" + minInsyncReplicas
                    + ") above herald.kafka.replication-factor (" + replicationFactor + "): Kafka would refuse"
                    + " every acks=all write");
        }
    }

    /**
     * The settings for a cluster of {@code brokers} brokers.
     *
     * @throws IllegalStateException when an explicit min ISR is above the replication factor the cluster's size
     *                               gives: every acks=all write would be refused
     */
    public Resolved resolve(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("a cluster has at least one broker, not " + brokers);
        }
        int replicas = replicationFactor > 0 ? replicationFactor : Math.min(3, brokers);
        int minIsr = minInsyncReplicas > 0 ? minInsyncReplicas : replicas >= 3 ? 2 : 1;
        if (minIsr > replicas) {
            throw new IllegalStateException("herald.kafka.min-insync-replicas=" + minIsr + " but the topics get "
                    + replicas + " replicas on this cluster of " + brokers + " broker(s): Kafka would refuse every"
                    + " acks=all write; lower it, or leave it at 0");
        }
        return new Resolved((short) replicas, minIsr);
    }

    /**
     * What the topics are created with.
     *
     * @param replicationFactor replicas per partition
     * @param minInsyncReplicas the topics' {@code min.insync.replicas}
     */
    public record Resolved(short replicationFactor, int minInsyncReplicas) {

        /** The topic configs to create the topics with. */
        public Map<String, String> topicConfigs() {
            return Map.of(MIN_INSYNC_REPLICAS_CONFIG, String.valueOf(minInsyncReplicas));
        }
    }
}
