package io.herald.client.support;

import io.herald.client.HeraldMetrics;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Metrics hooks that remember every call, so tests can see what the client did. */
public final class RecordingMetrics implements HeraldMetrics {

    private final List<URI> connected = new CopyOnWriteArrayList<>();
    private final List<Integer> disconnected = new CopyOnWriteArrayList<>();
    private final List<URI> attempts = new CopyOnWriteArrayList<>();
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();

    @Override
    public void connected(URI edge, String node) {
        connected.add(edge);
    }

    @Override
    public void disconnected(int code) {
        disconnected.add(code);
    }

    @Override
    public void messageDelivered(String channel) {
        delivered.incrementAndGet();
    }

    @Override
    public void duplicateDropped(String channel) {
        duplicates.incrementAndGet();
    }

    @Override
    public void reset(String channel) {
        resets.incrementAndGet();
    }

    @Override
    public void reconnectAttempt(URI edge, int attempt) {
        attempts.add(edge);
    }

    /** The edges the client connected to (welcomed), in order. */
    public List<URI> connected() {
        return List.copyOf(connected);
    }

    public List<Integer> disconnected() {
        return List.copyOf(disconnected);
    }

    /** The edges the client tried, in order. */
    public List<URI> attempts() {
        return List.copyOf(attempts);
    }

    public int delivered() {
        return delivered.get();
    }

    public int duplicates() {
        return duplicates.get();
    }

    public int resets() {
        return resets.get();
    }
}
