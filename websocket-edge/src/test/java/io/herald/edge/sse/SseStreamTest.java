package io.herald.edge.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import io.herald.edge.auth.ChannelGrants;
import io.herald.edge.auth.Identity;
import io.herald.edge.delivery.TextFrame;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An event stream over an output that records its writes and flushes (a servlet container's output is ready until
 * its buffer fills), to pin down that a replay's events leave together, as a WebSocket session's frames do.
 */
class SseStreamTest {

    private static final ChannelName CHANNEL = ChannelName.parse("user:ada");

    /** Always ready; each flush closes one "socket write" of what was written since the last. */
    static final class RecordingOutput extends ServletOutputStream {
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        final List<String> flushed = new ArrayList<>();

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }

        @Override
        public synchronized void write(int b) {
            pending.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public synchronized void flush() {
            flushed.add(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
        }

        synchronized List<String> flushed() {
            return List.copyOf(flushed);
        }
    }

    private final RecordingOutput output = new RecordingOutput();

    private SseStream stream(long maxBytes) throws Exception {
        SseStream stream = new SseStream("s1", new Identity("ada", ChannelGrants.of(List.of("user:ada")), null, true),
                null, maxBytes, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(30), reason -> { });
        stream.start(asyncContext(output));
        return stream;
    }

    private static TextFrame message(long offset) {
        return TextFrame.of("message", CHANNEL, Position.ofOffset(offset), "{\"op\":\"message\",\"n\":" + offset + "}");
    }

    @Test
    void eventsOfferedInARowLeaveInOneWrite() throws Exception {
        SseStream stream = stream(1 << 20);

        for (long offset = 1; offset <= 20; offset++) {
            assertThat(stream.offer(message(offset))).isTrue();
        }
        assertThat(output.flushed()).isEmpty();
        stream.flush();

        assertThat(output.flushed()).hasSize(1);
        String written = output.flushed().get(0);
        assertThat(written.split("event: message\n", -1)).hasSize(21);
        assertThat(written.indexOf("\"n\":1}")).isLessThan(written.indexOf("\"n\":2}"));
        assertThat(written).endsWith("\"n\":20}\n\n");
    }

    @Test
    void aSentEventLeavesAtOnce() throws Exception {
        SseStream stream = stream(1 << 20);

        assertThat(stream.send(message(1))).isTrue();

        assertThat(output.flushed()).hasSize(1);
        assertThat(output.flushed().get(0)).contains("\"n\":1}");
    }

    @Test
    void aReplayWaitingForRoomFirstWritesWhatItOffered() throws Exception {
        // more than half of the limit offered and not flushed: room only comes once they are written
        SseStream stream = stream(4096);
        for (long offset = 1; offset <= 30; offset++) {
            assertThat(stream.offer(message(offset))).isTrue();
        }
        assertThat(stream.queued()).isGreaterThan(2048);

        boolean room = CompletableFuture.supplyAsync(() -> {
            try {
                return stream.awaitCapacity();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(5, TimeUnit.SECONDS);

        assertThat(room).isTrue();
        assertThat(stream.queued()).isZero();
        assertThat(String.join("", output.flushed())).contains("\"n\":30}");
    }

    /** An async context whose response writes to {@code output}; nothing else of it is used by a stream. */
    private static AsyncContext asyncContext(ServletOutputStream output) {
        ServletResponse response = (ServletResponse) Proxy.newProxyInstance(SseStreamTest.class.getClassLoader(),
                new Class<?>[] {ServletResponse.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getOutputStream")) {
                        return output;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (AsyncContext) Proxy.newProxyInstance(SseStreamTest.class.getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getResponse" -> response;
                    case "addListener", "complete" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
