package io.herald.dispatcher.dataset;

/**
 * What the dispatcher found when it verified a Redis dataset before writing to it.
 *
 * @param kind       what the dataset turned out to be
 * @param identity   the identity now verified
 * @param recordsRead records read back from Kafka and applied again (duplicates included)
 * @param recordsMissing of those, the ones the dataset lacked and now holds
 */
public record DatasetVerification(Kind kind, DatasetIdentity identity, long recordsRead, long recordsMissing) {

    public enum Kind {
        /** the process's first look at a dataset that has an epoch (it still re-applies past its checkpoints) */
        FIRST_CONTACT,
        /** another server answers with a dataset that has an epoch: failover, restart with persistence, restored backup */
        REPLACED,
        /** a dataset without an epoch although the group has committed records: Redis lost its data */
        EMPTIED,
        /** a dataset without an epoch and nothing committed yet: a new deployment */
        NEW
    }

    /** True when Redis lost or replaced data behind the dispatcher's back (what operators are told about). */
    public boolean isChange() {
        return kind == Kind.REPLACED || kind == Kind.EMPTIED;
    }
}
