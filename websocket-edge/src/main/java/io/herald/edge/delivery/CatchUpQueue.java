package io.herald.edge.delivery;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Catch-ups waiting for a thread, one queue per owner (a user, see {@link FrameSink#owner()}), served round-robin,
 * with at most {@code perOwner} catch-ups of one owner running at once. One user's backlog, however long (thousands
 * of subscribes that each scan Kafka), then waits behind that user's own work only: another user's subscribe takes
 * the next free thread. The backlog itself is bounded by the limits on connections and subscriptions, since a
 * subscription has at most one catch-up due at a time.
 */
final class CatchUpQueue {

    private final int perOwner;
    private final Map<String, Owner> owners = new HashMap<>();
    /** Owners with a catch-up waiting and room to run one, in turn order. */
    private final ArrayDeque<Owner> ready = new ArrayDeque<>();
    private int waiting;
    private boolean closed;

    CatchUpQueue(int perOwner) {
        this.perOwner = perOwner;
    }

    synchronized void add(ChannelSubscription subscription) {
        Owner owner = owners.computeIfAbsent(subscription.owner(), key -> new Owner());
        owner.waiting.add(subscription);
        waiting++;
        offer(owner);
    }

    /** The next catch-up to run, blocking until there is one; null once closed. The caller then calls {@link #done}. */
    synchronized ChannelSubscription take() throws InterruptedException {
        while (ready.isEmpty()) {
            if (closed) {
                return null;
            }
            wait();
        }
        Owner owner = ready.poll();
        owner.ready = false;
        owner.running++;
        waiting--;
        ChannelSubscription next = owner.waiting.poll();
        offer(owner); // to the back of the turn order: other owners go first
        return next;
    }

    /** A catch-up of {@code owner} that {@link #take} handed out has ended. */
    synchronized void done(String ownerKey) {
        Owner owner = owners.get(ownerKey);
        owner.running--;
        if (owner.waiting.isEmpty() && owner.running == 0) {
            owners.remove(ownerKey);
        } else {
            offer(owner);
        }
    }

    synchronized int waiting() {
        return waiting;
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void offer(Owner owner) {
        if (!owner.ready && !owner.waiting.isEmpty() && owner.running < perOwner) {
            owner.ready = true;
            ready.add(owner);
            notify();
        }
    }

    private static final class Owner {
        final ArrayDeque<ChannelSubscription> waiting = new ArrayDeque<>();
        int running;
        boolean ready;
    }
}
