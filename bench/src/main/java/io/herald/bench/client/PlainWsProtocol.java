package io.herald.bench.client;

import java.net.URI;

/** Peer A: a plain WebSocket that carries every published message as it is; ready as soon as it is open. */
public final class PlainWsProtocol implements Protocol {

    private final URI uri;

    public PlainWsProtocol(URI uri) {
        this.uri = uri;
    }

    @Override
    public URI uri(BenchClient client) {
        return uri;
    }

    @Override
    public void opened(BenchClient client) {
        client.ready().complete(null);
    }

    @Override
    public void text(BenchClient client, byte[] frame, int length) {
        long seq = Payload.seq(frame, 0, length);
        long time = seq < 0 ? -1 : Payload.time(frame, 0, length);
        if (seq >= 0 && time >= 0) {
            client.received(seq, time);
        } else {
            client.problem();
        }
    }
}
