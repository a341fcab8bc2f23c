package io.herald.edge.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.edge.delivery.TextFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue against a socket that records what it is asked to write and completes writes when the test
 * says so (a real socket completes them when the peer reads), to pin down the write batching and the limits.
 */
class OutboundTest {

    /** A socket whose writes complete only when {@link #complete} is called. */
    static final class RecordingSocket implements Outbound.Wire {
        /** Every frame written, in order: a text frame's text, {@code <ping>}, or {@code <pong:payload>}. */
        final List<String> written = new ArrayList<>();
        /** The frames of each write. */
        final List<List<String>> writes = new ArrayList<>();
        final List<Callback> pending = new ArrayList<>();
        boolean aborted;

        @Override
        public synchronized void write(Callback done, ByteBuffer... buffers) {
            List<String> frames = new ArrayList<>();
            for (ByteBuffer buffer : buffers) {
                frames.add(decode(buffer.duplicate()));
            }
            written.addAll(frames);
            writes.add(frames);
            pending.add(done);
        }

        /** One whole unmasked frame, as a server sends it (RFC 6455 §5.2). */
        private static String decode(ByteBuffer frame) {
            int opcode = frame.get() & 0x0F;
            int length = frame.get() & 0x7F;
            if (length == 126) {
                length = frame.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = Math.toIntExact(frame.getLong());
            }
            assertThat(frame.remaining()).as("payload length").isEqualTo(length);
            String payload = StandardCharsets.UTF_8.decode(frame).toString();
            return switch (opcode) {
                case 0x1 -> payload;
                case 0x9 -> "<ping>";
                case 0xA -> "<pong:" + payload + ">";
                default -> throw new AssertionError("opcode " + opcode);
            };
        }

        @Override
        public void abort() {
            aborted = true;
        }

        void complete() {
            List<Callback> done;
            synchronized (this) {
                done = new ArrayList<>(pending);
                pending.clear();
            }
            done.forEach(Callback::succeeded);
        }

        synchronized int writtenCount() {
            return written.size();
        }

        void fail() {
            List<Callback> done = new ArrayList<>(pending);
            pending.clear();
            done.forEach(callback -> callback.failed(new IOException("reset by peer")));
        }
    }

    private final RecordingSocket socket = new RecordingSocket();
    private final List<String> slow = new ArrayList<>();
    private final Outbound outbound = new Outbound(socket, 100, 10_000_000_000L, slow::add);

    @Test
    void framesQueuedDuringAWriteLeaveTogetherInTheNextOne() {
        outbound.send(TextFrame.of("message", "a"));
        assertThat(socket.written).containsExactly("a");

        outbound.offer(TextFrame.of("message", "b"));
        outbound.offer(TextFrame.of("message", "c"));
        outbound.flush(); // a write is in flight: nothing more is written yet
        assertThat(socket.written).containsExactly("a");
        assertThat(outbound.queuedBytes()).isEqualTo(3);

        socket.complete();
        assertThat(socket.writes).containsExactly(List.of("a"), List.of("b", "c"));
        assertThat(socket.pending).hasSize(1);
        assertThat(outbound.queuedBytes()).isEqualTo(2);

        socket.complete();
        assertThat(outbound.queuedBytes()).isZero();
    }

    @Test
    void offeredFramesWaitForFlush() {
        outbound.offer(TextFrame.of("message", "a"));
        outbound.offer(TextFrame.of("message", "b"));
        assertThat(socket.written).isEmpty();
        outbound.flush();
        assertThat(socket.written).containsExactly("a", "b");
    }

    @Test
    void aReplayWaitingForRoomFirstWritesWhatItOffered() throws Exception {
        // a catch-up offers a page of history without flushing; 60 of the 100 bytes allowed is past the half at
        // which it must wait, and only a write can make room
        for (int i = 0; i < 6; i++) {
            outbound.offer(TextFrame.of("message", "0123456789"));
        }
        CompletableFuture<Boolean> room = CompletableFuture.supplyAsync(() -> {
            try {
                return outbound.awaitCapacity();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> socket.writtenCount() == 6);
        assertThat(room).isNotDone();
        socket.complete();
        assertThat(room.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(outbound.queuedBytes()).isZero();
    }

    @Test
    void aWriteCarriesAtMostItsBatchLimit() {
        outbound.send(TextFrame.of("message", "x"));
        int more = Outbound.MAX_FRAMES_PER_WRITE + 3;
        for (int i = 0; i < more; i++) {
            outbound.offer(TextFrame.of("message", "y"));
        }
        socket.complete();
        assertThat(socket.written).hasSize(1 + Outbound.MAX_FRAMES_PER_WRITE);
        socket.complete();
        assertThat(socket.written).hasSize(1 + more);
    }

    @Test
    void aPingWaitsForTheWriteInFlightThenLeadsTheNext() {
        outbound.send(TextFrame.of("message", "a"));
        outbound.ping();
        outbound.offer(TextFrame.of("message", "b"));
        outbound.flush();
        assertThat(socket.written).containsExactly("a");
        socket.complete();
        assertThat(socket.writes).containsExactly(List.of("a"), List.of("<ping>", "b"));
    }

    @Test
    void theClientsPingIsAnsweredWithItsPayloadBetweenWholeFrames() {
        outbound.send(TextFrame.of("message", "a"));
        outbound.pong(ByteBuffer.wrap("hb-1".getBytes(StandardCharsets.UTF_8)));
        outbound.pong(ByteBuffer.wrap("hb-2".getBytes(StandardCharsets.UTF_8)));
        outbound.offer(TextFrame.of("message", "b"));
        socket.complete();
        // two pings while a write was in flight: the latest is answered (RFC 6455 §5.5.3)
        assertThat(socket.writes).containsExactly(List.of("a"), List.of("<pong:hb-2>", "b"));

        socket.complete();
        outbound.pong(ByteBuffer.allocate(0));
        assertThat(socket.writes).last().isEqualTo(List.of("<pong:>"));
    }

    @Test
    void aSealedSessionAnswersNoMorePings() {
        outbound.seal();
        outbound.pong(ByteBuffer.wrap(new byte[] {1}));
        outbound.ping();
        assertThat(socket.written).isEmpty();
    }

    @Test
    void framesOfEveryLengthCarryTheirLengthInTheHeader() {
        Outbound big = new Outbound(socket, 1_000_000, 10_000_000_000L, slow::add);
        for (int length : new int[] {0, 125, 126, 65_535, 65_536, 200_000}) {
            big.send(TextFrame.of("message", "é".repeat(length / 2) + "x".repeat(length % 2)));
            socket.complete();
        }
        assertThat(socket.written).extracting(text -> text.getBytes(StandardCharsets.UTF_8).length)
                .containsExactly(0, 125, 126, 65_535, 65_536, 200_000);
    }

    @Test
    void overTheByteLimitTheSessionIsReportedSlowAndTakesNothingMore() {
        outbound.send(TextFrame.of("message", "x".repeat(60)));
        assertThat(outbound.offer(TextFrame.of("message", "y".repeat(60)))).isFalse();
        assertThat(slow).containsExactly("outbound buffer over 100 bytes");
        assertThat(outbound.send(TextFrame.of("message", "z"))).isFalse();
        assertThat(outbound.queuedBytes()).isZero();
    }

    @Test
    void aFailedWriteFailsTheSession() {
        outbound.send(TextFrame.of("message", "a"));
        outbound.offer(TextFrame.of("message", "b"));
        socket.fail();
        assertThat(socket.written).containsExactly("a");
        assertThat(outbound.send(TextFrame.of("message", "c"))).isFalse();
    }

    @Test
    void aWriteStuckPastTheDelayLimitIsReportedByTheCheck() throws InterruptedException {
        Outbound strict = new Outbound(socket, 1_000, 1, slow::add);
        strict.send(TextFrame.of("message", "a"));
        strict.checkDelay(System.nanoTime() + 2);
        assertThat(slow).containsExactly("a frame waited over 0 ms");
        assertThat(strict.awaitIdle(1)).isFalse();
        strict.abort();
        assertThat(socket.aborted).isTrue();
    }
}
