package io.herald.bench.client;

import java.net.URI;

/** How one kind of server is spoken to: where to connect, what to send once open, how to read its frames. */
public interface Protocol {

    /** The WebSocket URL of {@code client}'s connection. */
    URI uri(BenchClient client);

    /** The WebSocket handshake completed. */
    void opened(BenchClient client);

    /** A text frame arrived: {@code frame[0, length)}, UTF-8. The array is reused after the call returns. */
    void text(BenchClient client, byte[] frame, int length);
}
