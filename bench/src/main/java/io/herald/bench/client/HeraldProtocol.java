package io.herald.bench.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Herald's protocol v1 (docs/protocol.md): subscribe to the client's channel (with {@code since} = the last position
 * it received when it comes back), ready on {@code subscribed}; {@code message} frames carry the payload as the
 * envelope's {@code data}. The position's Kafka offset is kept for the resume.
 */
public final class HeraldProtocol implements Protocol {

    private static final byte[] MESSAGE = "{\"op\":\"message\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBSCRIBED = "{\"op\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WELCOME = "{\"op\":\"welcome\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\"data\":".getBytes(StandardCharsets.US_ASCII);

    private final URI base;
    private final String token;

    /**
     * @param base  the edge's {@code ws://host:port/ws}
     * @param token a bearer token sent as {@code access_token} (null: the node runs without authentication and
     *              the client names itself with {@code user})
     */
    public HeraldProtocol(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    @Override
    public URI uri(BenchClient client) {
        String query = token != null ? "access_token=" + token : "user=bench" + client.index();
        return URI.create(base + (base.getQuery() == null ? "?" : "&") + query);
    }

    @Override
    public void opened(BenchClient client) {
        long last = client.lastOffset();
        client.send(last < 0
                ? "{\"op\":\"subscribe\",\"channel\":\"" + client.channel() + "\"}"
                : "{\"op\":\"subscribe\",\"channel\":\"" + client.channel() + "\",\"since\":\"" + last + "-1\"}");
    }

    @Override
    public void text(BenchClient client, byte[] frame, int length) {
        if (startsWith(frame, length, MESSAGE)) {
            int id = Payload.indexOf(frame, MESSAGE.length, length, ID);
            if (id >= 0) {
                client.lastOffset(Payload.number(frame, id + ID.length, length));
            }
            int data = Payload.indexOf(frame, MESSAGE.length, length, DATA);
            long seq = data < 0 ? -1 : Payload.seq(frame, data, length);
            long time = seq < 0 ? -1 : Payload.time(frame, data, length);
            if (seq >= 0 && time >= 0) {
                client.received(seq, time);
            } else {
                client.problem();
            }
        } else if (startsWith(frame, length, SUBSCRIBED)) {
            client.ready().complete(null);
        } else if (!startsWith(frame, length, WELCOME)) {
            // error, reset, unsubscribed: none is expected in a benchmark run
            client.problem();
        }
    }

    static boolean startsWith(byte[] frame, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (frame[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
