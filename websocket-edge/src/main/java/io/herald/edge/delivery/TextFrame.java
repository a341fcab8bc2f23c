package io.herald.edge.delivery;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A protocol frame, encoded to UTF-8 once, with what it is about. A live message is framed and encoded once per node
 * and the same instance goes to every session subscribed to its channel: each socket writes a view of the same
 * bytes, instead of the container encoding the text again for every session (the largest single cost of a
 * broadcast). The event stream names its events and sets their ids from {@link #op}, {@link #channel} and
 * {@link #position}, which the builder of the frame knew, instead of reading them back out of the text.
 */
public final class TextFrame {

    private final String op;
    private final ChannelName channel;
    private final Position position;
    private final String text;
    private final byte[] utf8;

    private TextFrame(String op, ChannelName channel, Position position, String text) {
        this.op = op;
        this.channel = channel;
        this.position = position;
        this.text = text;
        this.utf8 = text.getBytes(StandardCharsets.UTF_8);
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

    /** Encoded length in bytes, what outbound buffers are measured in. */
    public int size() {
        return utf8.length;
    }

    /** A fresh read-only view of the encoded bytes, for one write. */
    public ByteBuffer bytes() {
        return ByteBuffer.wrap(utf8).asReadOnlyBuffer();
    }

    @Override
    public String toString() {
        return text;
    }
}
