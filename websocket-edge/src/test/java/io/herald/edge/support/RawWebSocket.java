package io.herald.edge.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a bare socket, for what a well-behaved client library will not do: read the body of a
 * refused handshake, send binary or oversized frames, never answer a ping, never read at all. Frames are read
 * only when the test asks.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** The answer to a handshake: 101 for an upgrade, else the refusal with its headers (lower-case names) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    /** One frame received. */
    public record Frame(int opcode, byte[] payload) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private RawWebSocket(Socket socket, InputStream in, OutputStream out) {
        this.socket = socket;
        this.in = in;
        this.out = out;
    }

    /** Sends a WebSocket handshake and returns the answer; the connection is closed unless upgraded. */
    public static Answer handshake(URI uri, Map<String, String> headers) {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            return handshake(socket, uri, headers);
        } catch (IOException e) {
            throw new IllegalStateException("handshake with " + uri + " failed: " + e, e);
        }
    }

    /** Opens an upgraded connection; fails the test unless the server answers 101. */
    public static RawWebSocket open(URI uri, Map<String, String> headers) {
        return open(uri, headers, 0);
    }

    /**
     * Like {@link #open(URI, Map)} with a small socket receive buffer ({@code receiveBufferBytes}, 0 for the
     * system's), so that a client that does not read fills the path to it quickly.
     */
    public static RawWebSocket open(URI uri, Map<String, String> headers, int receiveBufferBytes) {
        Attempt attempt = attempt(uri, headers, receiveBufferBytes);
        if (attempt.socket() == null) {
            throw new AssertionError("handshake refused: " + attempt.answer());
        }
        return attempt.socket();
    }

    /**
     * A handshake whose refusal is an outcome, not a failure (for clients racing each other): the upgraded
     * connection on 101, else null with the refusal.
     */
    public static Attempt attempt(URI uri, Map<String, String> headers) {
        return attempt(uri, headers, 0);
    }

    private static Attempt attempt(URI uri, Map<String, String> headers, int receiveBufferBytes) {
        try {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes); // before connecting, so that the window is small
            }
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            Answer answer = handshake(socket, uri, headers);
            if (answer.status() != 101) {
                socket.close();
                return new Attempt(answer, null);
            }
            return new Attempt(answer, new RawWebSocket(socket, socket.getInputStream(), socket.getOutputStream()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + uri + ": " + e, e);
        }
    }

    /** The handshake's answer and, when it was 101, the upgraded connection (else null). */
    public record Attempt(Answer answer, RawWebSocket socket) {
    }

    public void sendText(String text) throws IOException {
        sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBinary(byte[] data) throws IOException {
        sendFrame(BINARY, data);
    }

    /** One final, masked frame, as a client must send it. */
    public synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x80 | opcode);
        if (payload.length < 126) {
            header.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            header.write(0x80 | 126);
            header.write(payload.length >>> 8);
            header.write(payload.length & 0xff);
        } else {
            header.write(0x80 | 127);
            header.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        header.writeBytes(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(header.toByteArray());
        out.write(masked);
        out.flush();
    }

    /** The next frame, waiting up to {@code timeout}. */
    public Frame read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        int first = in.read();
        if (first < 0) {
            throw new EOFException("connection closed");
        }
        int second = readByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        } else if (length == 127) {
            length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            throw new EOFException("connection closed inside a frame");
        }
        return new Frame(first & 0x0f, payload);
    }

    /**
     * Reads (without answering anything) until the server's close frame; returns every frame read, the close
     * frame last.
     *
     * @throws AssertionError when none comes within {@code timeout} or the connection ends without one
     */
    public List<Frame> readUntilClose(Duration timeout) {
        List<Frame> frames = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no close frame within " + timeout + "; read " + describe(frames));
            }
            Frame frame;
            try {
                frame = read(Duration.ofNanos(left));
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                throw new AssertionError("connection ended without a close frame (" + e + "); read " + describe(frames), e);
            }
            frames.add(frame);
            if (frame.opcode() == CLOSE) {
                return frames;
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed inside a frame");
        }
        return b;
    }

    private static String describe(List<Frame> frames) {
        return frames.stream().map(f -> f.opcode() == TEXT ? f.text() : "opcode " + f.opcode()).toList().toString();
    }

    private static Answer handshake(Socket socket, URI uri, Map<String, String> headers) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                .append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            responseHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if (status == 101) {
            return new Answer(status, responseHeaders, "");
        }
        String length = responseHeaders.get("content-length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : chunked(in, responseHeaders);
        return new Answer(status, responseHeaders, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] chunked(InputStream in, Map<String, String> headers) throws IOException {
        if (!"chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            return new byte[0];
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
            body.writeBytes(in.readNBytes(size));
            line(in);
        }
        return body.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed in the HTTP answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
