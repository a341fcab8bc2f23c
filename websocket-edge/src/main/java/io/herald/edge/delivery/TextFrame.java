package io.herald.edge.delivery;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A protocol frame, encoded to UTF-8 once, with what it is about. A live message is framed and encoded once per node
 * and the same instance goes to every session subscribed to its channel: each socket writes a view of the same
 * bytes, instead of the container encoding the text again for every session (the largest single cost of a
 * broadcast). The bytes are kept as the WebSocket frame a server sends, header included, so that a socket's write
 * is a copy of the same bytes and nothing more. The event stream names its events and sets their ids from
 * {@link #op}, {@link #channel} and {@link #position}, which the builder of the frame knew, instead of reading them
 * back out of the text.
 */
public final class TextFrame {

    private final String op;
    private final ChannelName channel;
    private final Position position;
    private final String text;
    /** The frame as a server's WebSocket text frame: header, then the UTF-8 text from {@link #payloadOffset}. */
    private final byte[] wire;
    private final int payloadOffset;
    /** Never moved: each write takes a {@link ByteBuffer#duplicate duplicate}, so sessions on any thread share it. */
    private final ByteBuffer webSocketFrame;

    private TextFrame(String op, ChannelName channel, Position position, String text) {
        this.op = op;
        this.channel = channel;
        this.position = position;
        this.text = text;
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        this.payloadOffset = headerLength(utf8.length);
        this.wire = new byte[payloadOffset + utf8.length];
        writeHeader(wire, utf8.length);
        System.arraycopy(utf8, 0, wire, payloadOffset, utf8.length);
        this.webSocketFrame = ByteBuffer.wrap(wire).asReadOnlyBuffer();
    }

    /**
     * @param op       the frame's {@code op}
     * @param channel  the channel it is about, or null
     * @param position where it leaves its channel (a message's id, a subscribed frame's position), or null
     * @param text     the frame
     */
    public static TextFrame of(String op, ChannelName channel, Position position, String text) {
        return new TextFrame(op, channel, position, text);
    }

    /** A frame about no channel. */
    public static TextFrame of(String op, String text) {
        return new TextFrame(op, null, null, text);
    }

    public String op() {
        return op;
    }

    /** The channel the frame is about, or null. */
    public ChannelName channel() {
        return channel;
    }

    /** Where the frame leaves its channel: a message's id, or a subscribed frame's position; else null. */
    public Position position() {
        return position;
    }

    public String text() {
        return text;
    }

    /** Encoded length of the text in bytes, what outbound buffers are measured in. */
    public int size() {
        return wire.length - payloadOffset;
    }

    /** A fresh read-only view of the encoded text, for one write. */
    public ByteBuffer bytes() {
        return ByteBuffer.wrap(wire, payloadOffset, size()).slice().asReadOnlyBuffer();
    }

    /**
     * A fresh read-only view of the whole WebSocket frame (header and text), for one write: a WebSocket session
     * writes these bytes to its socket as they are, so no header is generated per session.
     */
    public ByteBuffer webSocketFrame() {
        return webSocketFrame.duplicate();
    }

    /** RFC 6455 §5.2: a server's frames are unmasked, and a text message is one final frame here. */
    private static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    private static void writeHeader(byte[] frame, int payloadLength) {
        frame[0] = (byte) 0x81; // FIN, opcode 1 (text)
        if (payloadLength < 126) {
            frame[1] = (byte) payloadLength;
        } else if (payloadLength <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (payloadLength >>> 8);
            frame[3] = (byte) payloadLength;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) payloadLength >>> (56 - 8 * i));
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
