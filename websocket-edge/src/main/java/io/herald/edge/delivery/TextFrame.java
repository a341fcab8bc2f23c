package io.herald.edge.delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A protocol frame, encoded to UTF-8 once. A live message is framed and encoded once per node and the same
 * instance goes to every session subscribed to its channel: each socket writes a view of the same bytes, instead
 * of the container encoding the text again for every session (the largest single cost of a broadcast).
 */
public final class TextFrame {

    private final String text;
    private final byte[] utf8;

    private TextFrame(String text) {
        this.text = text;
        this.utf8 = text.getBytes(StandardCharsets.UTF_8);
    }

    public static TextFrame of(String text) {
        return new TextFrame(text);
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
