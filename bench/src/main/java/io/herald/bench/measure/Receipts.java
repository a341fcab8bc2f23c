package io.herald.bench.measure;

/**
 * One client's record of which messages it received: a bitmap over the messages meant for it. Message {@code seq}
 * is meant for the client when {@code seq % stride == offset % stride} (one broadcast channel: stride 1; channel
 * per user: stride = number of clients, offset = the client's index), and its bit is {@code seq / stride}.
 * Touched only by the client's event-loop thread.
 */
public final class Receipts {

    private final int stride;
    private final int offset;
    private long[] bits = new long[1];
    private long received;

    public Receipts(int stride, int offset) {
        this.stride = stride;
        this.offset = offset;
    }

    public enum Outcome { NEW, DUPLICATE, NOT_MINE }

    public Outcome mark(long seq) {
        if (seq < offset || (seq - offset) % stride != 0) {
            return Outcome.NOT_MINE;
        }
        long index = (seq - offset) / stride;
        int word = (int) (index >>> 6);
        if (word >= bits.length) {
            long[] grown = new long[Math.max(word + 1, bits.length * 2)];
            System.arraycopy(bits, 0, grown, 0, bits.length);
            bits = grown;
        }
        long bit = 1L << (index & 63);
        if ((bits[word] & bit) != 0) {
            return Outcome.DUPLICATE;
        }
        bits[word] |= bit;
        received++;
        return Outcome.NEW;
    }

    public long received() {
        return received;
    }

    /** Messages with seq in {@code [fromSeq, toSeq)} meant for this client that it received. */
    public long receivedBetween(long fromSeq, long toSeq) {
        long n = 0;
        for (long k = firstIndex(fromSeq), end = firstIndex(toSeq); k < end; k++) {
            int word = (int) (k >>> 6);
            if (word < bits.length && (bits[word] & (1L << (k & 63))) != 0) {
                n++;
            }
        }
        return n;
    }

    /** Messages with seq in {@code [fromSeq, toSeq)} meant for this client. */
    public long expectedBetween(long fromSeq, long toSeq) {
        return firstIndex(toSeq) - firstIndex(fromSeq);
    }

    /** The bit index of the first message meant for this client with a seq at or after {@code seq}. */
    private long firstIndex(long seq) {
        return seq <= offset ? 0 : (seq - offset + stride - 1) / stride;
    }
}
