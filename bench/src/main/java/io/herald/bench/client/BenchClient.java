package io.herald.bench.client;

import io.herald.bench.measure.Deliveries;
import io.herald.bench.measure.MicroClock;
import io.herald.bench.measure.Receipts;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.CompletableFuture;

/**
 * One simulated user: its connection, the channel it listens to, what it received and, for a resume, where it left
 * off. Everything but {@link #away} and {@link #ready} is touched only by the connection's event-loop thread.
 */
public final class BenchClient {

    private final int index;
    private final String channel;
    private final Receipts receipts;
    private final Deliveries deliveries;
    private volatile Channel socket;
    private volatile CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean away;
    private volatile boolean replaying;
    private volatile int closeCode = -1;
    /** Herald: the offset of the last position received (-1: none yet). */
    private long lastOffset = -1;
    /** Socket.IO connection-state recovery: the session's pid and the last offset received. */
    private String sioPid;
    private String sioOffset;
    private boolean sioRecovered;
    private long problems;

    public BenchClient(int index, String channel, Receipts receipts, Deliveries deliveries) {
        this.index = index;
        this.channel = channel;
        this.receipts = receipts;
        this.deliveries = deliveries;
    }

    public int index() {
        return index;
    }

    public String channel() {
        return channel;
    }

    public Receipts receipts() {
        return receipts;
    }

    /** A measured message arrived. */
    public void received(long seq, long sentMicros) {
        switch (receipts.mark(seq)) {
            case NEW -> deliveries.delivered(sentMicros, MicroClock.nowMicros(), replaying);
            case DUPLICATE -> deliveries.duplicate();
            case NOT_MINE -> deliveries.wrongChannel();
        }
    }

    public void send(String text) {
        Channel s = socket;
        if (s != null) {
            s.writeAndFlush(new TextWebSocketFrame(text));
        }
    }

    void attach(Channel socket) {
        this.socket = socket;
    }

    public Channel socket() {
        return socket;
    }

    public boolean isOpen() {
        Channel s = socket;
        return s != null && s.isActive();
    }

    /** Completed once the client is ready to receive (subscribed, or connected to the namespace). */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** A fresh readiness future before a reconnect. */
    void rearm() {
        ready = new CompletableFuture<>();
        closeCode = -1;
    }

    public boolean away() {
        return away;
    }

    /** Marks the client as gone (its drop is coming) and what it receives from now on as a replay. */
    public void leave() {
        away = true;
        replaying = true;
    }

    public void closeCode(int code) {
        closeCode = code;
    }

    public int closeCode() {
        return closeCode;
    }

    public long lastOffset() {
        return lastOffset;
    }

    public void lastOffset(long offset) {
        lastOffset = offset;
    }

    public String sioPid() {
        return sioPid;
    }

    public void sioPid(String pid) {
        sioPid = pid;
    }

    public String sioOffset() {
        return sioOffset;
    }

    public void sioOffset(String offset) {
        sioOffset = offset;
    }

    public boolean sioRecovered() {
        return sioRecovered;
    }

    public void sioRecovered(boolean recovered) {
        sioRecovered = recovered;
    }

    /** An error, reset or refusal frame: counted, reported, never expected in a clean run. */
    public void problem() {
        problems++;
    }

    public long problems() {
        return problems;
    }
}
