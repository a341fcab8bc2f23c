package io.herald.core.kafka;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the notification topic's partition count grew, and what that means for positions: the one place that knows.
 *
 * <p>A channel's positions are offsets within its partition, and the partition is the record key's hash modulo the
 * count. Growing the count in place ({@code heraldctl topic grow}) moves channels; Herald keeps every old position
 * meaningful this way:
 * <ul>
 *   <li>The count only ever grows to a multiple of itself, so a channel either stays in its partition or moves to
 *       one the growth created (the hash modulo {@code k*n} is the hash modulo {@code n}, or that plus a multiple of
 *       {@code n}).</li>
 *   <li>Partitions created by generation {@code g} number their positions from {@code g * SPAN}
 *       ({@link #base}): a channel's positions in its new partition lie above all of its old ones, so its
 *       {@code prev} chain, its Redis stream and every client's position go on increasing across the move.
 *       Generation 0's positions are plain offsets, as before any growth.</li>
 *   <li>A growth is <em>sealed</em> once its cuts are written: per partition that existed before it, the offset
 *       from which records of moved channels belong to their new partition. A record below the cut is the channel's
 *       in the old partition (applied there, read there), one at or past it was written by a producer that had not
 *       seen the growth yet, and the dispatcher moves it to the new home. Until sealed, a growth's partitions are
 *       neither applied nor read: channels stay where they were.</li>
 * </ul>
 *
 * @param topic       the notification topic
 * @param generations generation 0 (the count before any growth, no cuts) then one per growth, oldest first
 */
public record TopicLayout(String topic, List<Generation> generations) {

    /**
     * Positions of a partition created by generation {@code g} start at {@code g * SPAN}: Kafka offsets stay below
     * 10^15 (a million records a second for thirty years), and a position stays below 2^63 for 9,000 growths.
     */
    public static final long SPAN = 1_000_000_000_000_000L;

    /**
     * One partition count.
     *
     * @param number     0 for the topic as created, then 1, 2, ...
     * @param partitions the count from this generation on, a multiple of the previous one
     * @param cuts       per partition of the previous generation, the offset from which moved channels' records
     *                   belong to their new partition; {@code null} for generation 0 and for a growth not sealed yet
     */
    public record Generation(int number, int partitions, Map<Integer, Long> cuts) {

        public Generation {
            if (partitions < 1) {
                throw new IllegalArgumentException("a generation has at least one partition, not " + partitions);
            }
            cuts = cuts == null ? null : Map.copyOf(cuts);
        }

        public boolean sealed() {
            return number == 0 || cuts != null;
        }
    }

    /**
     * A stretch of a channel's history in one partition.
     *
     * @param partition the partition
     * @param base      what its offsets add up to as positions ({@link TopicLayout#base})
     * @param until     the offset (exclusive) where the channel's records in it end, at a later growth's cut; -1 for
     *                  the channel's current partition, which goes on
     */
    public record Segment(int partition, long base, long until) {

        /** The position of the record at {@code offset} of this segment's partition. */
        public Position position(long offset) {
            return Position.ofOffset(base + offset);
        }

        public boolean isOpen() {
            return until < 0;
        }

        /**
         * The position right before {@code offset} of this segment's partition: a baseline for "from here on" when
         * {@code offset} is the partition's end. {@code 0-0} for an empty partition of generation 0, else
         * {@code base - 1} for an empty one, which lies after every position of the channel's earlier segments.
         */
        public Position before(long offset) {
            long position = base + offset - 1;
            return position < 0 ? Position.NONE : Position.ofOffset(position);
        }
    }

    public TopicLayout {
        generations = List.copyOf(generations);
        if (generations.isEmpty() || generations.get(0).number() != 0) {
            throw new IllegalArgumentException("a layout starts with generation 0");
        }
        for (int g = 1; g < generations.size(); g++) {
            Generation previous = generations.get(g - 1);
            Generation next = generations.get(g);
            if (next.number() != g) {
                throw new IllegalArgumentException("generation " + g + " is numbered " + next.number());
            }
            if (next.partitions() <= previous.partitions() || next.partitions() % previous.partitions() != 0) {
                throw new IllegalArgumentException("generation " + g + " has " + next.partitions()
                        + " partitions, not a larger multiple of " + previous.partitions());
            }
            if (!previous.sealed()) {
                throw new IllegalArgumentException("generation " + g + " follows generation " + (g - 1)
                        + ", which is not sealed");
            }
        }
    }

    /** A topic that never grew. */
    public static TopicLayout of(String topic, int partitions) {
        return new TopicLayout(topic, List.of(new Generation(0, partitions, null)));
    }

    /** The newest generation, sealed or not. */
    public Generation newest() {
        return generations.get(generations.size() - 1);
    }

    /** The newest sealed generation: where channels live now. */
    public Generation current() {
        Generation newest = newest();
        return newest.sealed() ? newest : generations.get(generations.size() - 2);
    }

    /** How many partitions the topic has (an unsealed growth's included). */
    public int partitions() {
        return newest().partitions();
    }

    /**
     * A growth to {@code partitions}, not sealed yet. Throws when the newest growth is not sealed or the count is
     * not a larger multiple of the current one.
     */
    public TopicLayout grow(int partitions) {
        List<Generation> next = new ArrayList<>(generations);
        next.add(new Generation(generations.size(), partitions, null));
        return new TopicLayout(topic, next);
    }

    /** The newest growth sealed at {@code cuts}, one per partition of the generation before it. */
    public TopicLayout seal(Map<Integer, Long> cuts) {
        Generation newest = newest();
        if (newest.sealed()) {
            throw new IllegalStateException("generation " + newest.number() + " is sealed already");
        }
        int before = generations.get(newest.number() - 1).partitions();
        for (int p = 0; p < before; p++) {
            if (!cuts.containsKey(p)) {
                throw new IllegalArgumentException("no cut for partition " + p + " of " + before);
            }
        }
        List<Generation> next = new ArrayList<>(generations.subList(0, generations.size() - 1));
        next.add(new Generation(newest.number(), newest.partitions(), cuts));
        return new TopicLayout(topic, next);
    }

    /** The generation that created {@code partition}. */
    public int generationOf(int partition) {
        for (Generation generation : generations) {
            if (partition < generation.partitions()) {
                return generation.number();
            }
        }
        throw new IllegalArgumentException("partition " + partition + " is not in the layout of " + topic
                + " (" + partitions() + " partitions)");
    }

    /** What the offsets of {@code partition} add up to as positions: its generation times {@link #SPAN}. */
    public long base(int partition) {
        return generationOf(partition) * SPAN;
    }

    /** The position of the record at {@code offset} of {@code partition}. */
    public Position position(int partition, long offset) {
        return Position.ofOffset(base(partition) + offset);
    }

    /** The Kafka offset of a position within its partition. */
    public static long offsetOf(Position position) {
        return position.offset() % SPAN;
    }

    /** Whether records of {@code partition} may be applied and read: it was created by a sealed generation. */
    public boolean sealed(int partition) {
        return generations.get(generationOf(partition)).sealed();
    }

    /**
     * The partition whose moved channels fill {@code partition}, for one created by a growth (the dispatcher applies
     * it only once that one's records below the growth's cut are applied); -1 for a partition of generation 0.
     */
    public int source(int partition) {
        int generation = generationOf(partition);
        return generation == 0 ? -1 : partition % generations.get(generation - 1).partitions();
    }

    /** The cut of {@code source} at the growth that created {@code partition} (which must be sealed). */
    public long sourceCut(int partition) {
        Generation created = generations.get(generationOf(partition));
        if (created.cuts() == null) {
            throw new IllegalStateException("partition " + partition + " belongs to generation " + created.number()
                    + ", which is not sealed");
        }
        return created.cuts().get(source(partition));
    }

    /**
     * Where a record of {@code channel} found at {@code offset} of {@code partition} belongs: the channel's partition
     * in the sealed generation whose stretch of {@code partition} holds that offset. The record is the channel's
     * there when the answer is {@code partition}; otherwise it was written by a producer that had not seen a growth,
     * or by one with another partitioner, and belongs to the channel's current partition ({@link #home(ChannelName)}).
     */
    public int homeAt(ChannelName channel, int partition, long offset) {
        int count = generations.get(generationOf(partition)).partitions();
        for (int g = generationOf(partition) + 1; g < generations.size(); g++) {
            Generation generation = generations.get(g);
            if (!generation.sealed() || offset < generation.cuts().get(partition)) {
                break;
            }
            count = generation.partitions();
        }
        return ChannelPartitioner.partitionOf(channel, count);
    }

    /** The channel's partition now: in the newest sealed generation. */
    public int home(ChannelName channel) {
        return ChannelPartitioner.partitionOf(channel, current().partitions());
    }

    /**
     * The channel's history, oldest first: one segment per partition it lived in, each but the last ending at the
     * cut of the growth that moved it. Partitions of an unsealed growth are not part of it yet.
     */
    public List<Segment> segments(ChannelName channel) {
        List<Segment> segments = new ArrayList<>();
        int partition = ChannelPartitioner.partitionOf(channel, generations.get(0).partitions());
        for (Generation generation : generations.subList(1, generations.size())) {
            if (!generation.sealed()) {
                break;
            }
            int next = ChannelPartitioner.partitionOf(channel, generation.partitions());
            if (next != partition) {
                segments.add(new Segment(partition, base(partition), generation.cuts().get(partition)));
                partition = next;
            }
        }
        segments.add(new Segment(partition, base(partition), -1));
        return segments;
    }

    /**
     * The channel's segments that may hold records after {@code after}, the first trimmed to start after it:
     * {@code from} is the first offset to read in each. A position that is no record of the channel (a partition's
     * end taken as a baseline) works too.
     */
    public List<Stretch> after(ChannelName channel, Position after) {
        List<Segment> segments = segments(channel);
        long generation = after.offset() / SPAN;
        List<Stretch> stretches = new ArrayList<>();
        for (Segment segment : segments) {
            long segmentGeneration = segment.base() / SPAN;
            if (segmentGeneration < generation) {
                continue; // wholly before the position
            }
            long from = segmentGeneration == generation && !after.isNone() ? offsetOf(after) + 1 : 0;
            if (segment.isOpen() || from < segment.until()) {
                stretches.add(new Stretch(segment, from));
            }
        }
        return stretches;
    }

    /** Part of a {@link Segment} to read: from {@code from} (inclusive) to the segment's end. */
    public record Stretch(Segment segment, long from) {
    }

    /** The cuts of every sealed growth, per generation, for logs and {@code heraldctl topic layout}. */
    public Map<Integer, Map<Integer, Long>> cuts() {
        Map<Integer, Map<Integer, Long>> cuts = new TreeMap<>();
        generations.stream().filter(g -> g.cuts() != null).forEach(g -> cuts.put(g.number(), new TreeMap<>(g.cuts())));
        return cuts;
    }
}
