package io.herald.edge.subscription;

/** Where a subscription's frames go: a session's bounded outbound buffer. */
public interface FrameSink {

    /** Queues a frame without blocking; false when the session can take no more (it is being closed). */
    boolean send(String frame);

    /**
     * Blocks until the outbound buffer has room for more history (it is below half its limit), so that a long
     * replay flows at the client's pace instead of overflowing the buffer. Returns false when the session
     * failed or the client did not make room within the buffer's time limit (the session is then closed as slow).
     */
    boolean awaitCapacity() throws InterruptedException;
}
