package io.herald.edge.delivery;

/** Where a subscription's frames go: a session's bounded outbound buffer. */
public interface FrameSink {

    /** Queues a frame without blocking; false when the session can take no more (it is being closed). */
    boolean send(TextFrame frame);

    /**
     * Queues a frame without starting to write it, so that frames offered in a row can leave in one write; the
     * caller calls {@link #flush} after the last. Returns false when the session can take no more.
     */
    default boolean offer(TextFrame frame) {
        return send(frame);
    }

    /** Starts writing what {@link #offer} queued. */
    default void flush() {
    }

    /**
     * Blocks until the outbound buffer has room for more history (it is below half its limit), so that a long
     * replay flows at the client's pace instead of overflowing the buffer; frames {@link #offer}ed and not yet
     * flushed are written meanwhile. Returns false when the session failed or the client did not make room within
     * the buffer's time limit (the session is then closed as slow).
     */
    boolean awaitCapacity() throws InterruptedException;

    /** Whose catch-ups these are: they share the catch-up threads fairly with other owners' (see {@code CatchUpQueue}). */
    String owner();

    /**
     * The node gave the subscription up (its catch-up kept failing; the client was told {@code unavailable}): forget
     * it, so that the client may subscribe to the channel again.
     */
    void forget(ChannelSubscription subscription);
}
