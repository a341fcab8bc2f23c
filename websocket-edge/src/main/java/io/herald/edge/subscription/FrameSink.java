package io.herald.edge.subscription;

/** Where a subscription's frames go: a session's bounded outbound buffer. */
public interface FrameSink {

    /** Queues a frame without blocking; false when the session can take no more (it is being closed). */
    boolean send(String frame);
}
