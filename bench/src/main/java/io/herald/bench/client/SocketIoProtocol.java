package io.herald.bench.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Peer B: the part of Engine.IO v4 and Socket.IO v5 over the WebSocket transport that a receiving client needs.
 * Engine.IO {@code 0} (open) is answered by a Socket.IO CONNECT to {@code /}: {@code 40}, or
 * {@code 40{"pid":..,"offset":..}} to ask for connection-state recovery after a drop; {@code 40{..,"pid":..}} is the
 * server's CONNECT (ready); {@code 2} (ping) is answered {@code 3}; {@code 42["notification",<payload>,"<offset>"]} is
 * an event whose last argument is the stream offset recovery resumes from.
 */
public final class SocketIoProtocol implements Protocol {

    private static final byte[] PID = "\"pid\":\"".getBytes(StandardCharsets.US_ASCII);

    private final URI uri;

    /** @param server the peer's {@code ws://host:port} */
    public SocketIoProtocol(URI server) {
        this.uri = URI.create(server + "/socket.io/?EIO=4&transport=websocket");
    }

    @Override
    public URI uri(BenchClient client) {
        return uri;
    }

    @Override
    public void opened(BenchClient client) {
        // nothing: the server speaks first (Engine.IO open packet)
    }

    @Override
    public void text(BenchClient client, byte[] frame, int length) {
        if (length == 0) {
            client.problem();
            return;
        }
        switch (frame[0]) {
            case '2' -> client.send("3");
            case '0' -> client.send(client.sioPid() != null && client.sioOffset() != null
                    ? "40{\"pid\":\"" + client.sioPid() + "\",\"offset\":\"" + client.sioOffset() + "\"}"
                    : "40");
            case '4' -> packet(client, frame, length);
            default -> { } // 3 (pong), 6 (noop): nothing to do
        }
    }

    private static void packet(BenchClient client, byte[] frame, int length) {
        char type = length > 1 ? (char) frame[1] : ' ';
        if (type == '2') {
            long seq = Payload.seq(frame, 2, length);
            long time = seq < 0 ? -1 : Payload.time(frame, 2, length);
            if (seq < 0 || time < 0) {
                client.problem();
                return;
            }
            client.received(seq, time);
            // the recovery offset: the last string argument, ...,"<offset>"]
            if (length >= 3 && frame[length - 1] == ']' && frame[length - 2] == '"') {
                int start = length - 3;
                while (start > 2 && frame[start] != '"') {
                    start--;
                }
                client.sioOffset(new String(frame, start + 1, length - 3 - start, StandardCharsets.US_ASCII));
            }
        } else if (type == '0') {
            int pid = Payload.indexOf(frame, 2, length, PID);
            String previous = client.sioPid();
            if (pid >= 0) {
                int end = pid + PID.length;
                while (end < length && frame[end] != '"') {
                    end++;
                }
                String now = new String(frame, pid + PID.length, end - pid - PID.length, StandardCharsets.US_ASCII);
                client.sioRecovered(now.equals(previous));
                client.sioPid(now);
            }
            client.ready().complete(null);
        } else {
            client.problem(); // 41 disconnect, 44 connect error
        }
    }
}
