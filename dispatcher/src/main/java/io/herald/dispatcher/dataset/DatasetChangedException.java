package io.herald.dispatcher.dataset;

/**
 * A batch found Redis answering with another dataset than the verified one (a replica took over, Redis restarted,
 * the dataset was flushed) and applied nothing: the dataset must be repaired before anything newer is written.
 */
public final class DatasetChangedException extends RuntimeException {

    private final transient DatasetIdentity seen;

    public DatasetChangedException(DatasetIdentity verified, DatasetIdentity seen) {
        super("redis dataset changed from " + verified + " to " + seen);
        this.seen = seen;
    }

    public DatasetIdentity seen() {
        return seen;
    }
}
