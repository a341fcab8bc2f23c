package io.herald.testkit.ws;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough of an RFC 6455 server, on plain sockets, to test {@link WsTestClient} without a web server. A path
 * containing {@code deny} is refused with HTTP 401.
 */
final class TinyWsServer implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;

    private final ServerSocket serverSocket;

    TinyWsServer() throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + serverSocket.getLocalPort() + path);
    }

    /** Accepts the next connection and completes (or refuses) its handshake. */
    Connection accept() throws IOException {
        Socket socket = serverSocket.accept();
        // A small send buffer makes a paused client push back after little data.
        socket.setSendBufferSize(64 * 1024);
        return new Connection(socket);
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
    }

    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return ByteBuffer.wrap(payload).getShort() & 0xFFFF;
        }
    }

    static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        final Map<String, String> headers = new HashMap<>();
        final String path;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            InputStream raw = socket.getInputStream();
            BufferedReader reader = new BufferedReader(new InputStreamReader(raw, StandardCharsets.ISO_8859_1), 1);
            path = reader.readLine().split(" ")[1];
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            in = new DataInputStream(raw);
            out = socket.getOutputStream();
            if (path.contains("deny")) {
                out.write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                socket.close();
                return;
            }
            String accept = Base64.getEncoder().encodeToString(sha1(headers.get("sec-websocket-key")
                    + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        void sendText(String text) throws IOException {
            send(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
        }

        void sendClose(int code, String reason) throws IOException {
            byte[] reasonBytes = reason.getBytes(StandardCharsets.UTF_8);
            send(true, CLOSE, ByteBuffer.allocate(2 + reasonBytes.length).putShort((short) code).put(reasonBytes).array());
        }

        synchronized void send(boolean fin, int opcode, byte[] payload) throws IOException {
            ByteBuffer header = ByteBuffer.allocate(10);
            header.put((byte) ((fin ? 0x80 : 0) | opcode));
            if (payload.length < 126) {
                header.put((byte) payload.length);
            } else if (payload.length < 65536) {
                header.put((byte) 126).putShort((short) payload.length);
            } else {
                header.put((byte) 127).putLong(payload.length);
            }
            out.write(header.array(), 0, header.position());
            out.write(payload);
            out.flush();
        }

        /** The next frame from the client (clients always mask), or null at end of stream. */
        Frame readFrame() throws IOException {
            int first;
            try {
                first = in.readUnsignedByte();
            } catch (EOFException e) {
                return null;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            return new Frame((first & 0x80) != 0, first & 0x0F, payload);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private static byte[] sha1(String value) {
            try {
                return MessageDigest.getInstance("SHA-1").digest(value.getBytes(StandardCharsets.ISO_8859_1));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
