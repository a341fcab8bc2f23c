package io.herald.edge.support;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a client's raw frames say about one channel to which notifications {@code 0..expected-1} were published:
 * how many never arrived, arrived twice, or arrived before one published earlier, and how many {@code reset}
 * frames it got. Equal to {@link #clean(int)} when the client got each exactly once, in order, without a reset.
 */
public record FrameAudit(int expected, int received, int lost, int duplicated, int reordered, long resets) {

    public static FrameAudit of(List<String> frames, String channel, int expected) {
        List<Integer> counters = Frames.counters(frames, channel);
        Set<Integer> seen = new HashSet<>();
        int duplicated = 0;
        int reordered = 0;
        int highest = -1;
        for (int n : counters) {
            if (!seen.add(n)) {
                duplicated++;
            } else if (n < highest) {
                reordered++;
            }
            highest = Math.max(highest, n);
        }
        int lost = 0;
        for (int n = 0; n < expected; n++) {
            if (!seen.contains(n)) {
                lost++;
            }
        }
        long resets = frames.stream().filter(f -> Frames.is(f, "reset", channel)).count();
        return new FrameAudit(expected, counters.size(), lost, duplicated, reordered, resets);
    }

    public static FrameAudit clean(int expected) {
        return new FrameAudit(expected, expected, 0, 0, 0, 0);
    }
}
