package io.herald.core.envelope;

/**
 * Size limits applied to every envelope, wherever it enters.
 *
 * @param maxDataBytes the largest encoded {@code data} object (default 64 KiB)
 */
public record EnvelopeLimits(int maxDataBytes) {

    public static final int DEFAULT_MAX_DATA_BYTES = 64 * 1024;
    public static final EnvelopeLimits DEFAULTS = new EnvelopeLimits(DEFAULT_MAX_DATA_BYTES);

    public EnvelopeLimits {
        if (maxDataBytes < 2) {
            throw new IllegalArgumentException("maxDataBytes must be >= 2 (an empty object), was " + maxDataBytes);
        }
    }

    /**
     * The largest whole record worth parsing: the data limit plus generous room for the other fields. A
     * record above it is rejected before any parsing work, so a huge value cannot cost the dispatcher memory.
     */
    public int maxRecordBytes() {
        return maxDataBytes + 4096;
    }
}
