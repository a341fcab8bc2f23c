package io.herald.client;

/** Receives the notifications of one channel, in order, each once, on the client's thread. */
@FunctionalInterface
public interface MessageListener {

    /**
     * One notification. The client stores its position once this returns (also when it throws: an exception is
     * logged and the notification counts as processed). Blocking here holds every later callback back and slows
     * the connection down; the edge then closes it as a slow consumer and the client resumes, losing nothing.
     */
    void onMessage(Message message);
}
