package io.herald.dispatcher.apply;

/**
 * A Redis Cluster primary applied a batch's writes but did not confirm, with {@code WAIT}, that its replicas hold
 * them: the batch must not be committed, since a replica promoted now would lack them.
 */
public final class UnconfirmedWriteException extends RuntimeException {

    public UnconfirmedWriteException(String node, long confirmed, int required, long waitMillis) {
        super("redis cluster primary " + node + ": " + confirmed + " of " + required
                + " replicas confirmed the batch's writes within " + waitMillis + "ms (WAIT)");
    }
}
