package io.herald.core.kafka;

import io.herald.core.channel.ChannelName;
import io.herald.core.position.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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
 *   <li>Each partition that existed before a growth gets a <em>cut</em>: the offset from which records of its
 *       moved channels belong to their new partitions. The dispatcher that holds the partition writes it once the
 *       growth's grace period is over ({@code sealAfter}: producers had time to see the new partitions), at the
 *       offset it has applied up to, in the same Kafka transaction that commits that offset: so the cut is exactly
 *       where applying in place stopped, whoever held the partition. A record below the cut is the channel's in the
 *       old partition (applied there, read there); one at or past it was written by a producer that had not seen
 *       the growth, and the dispatcher moves it to the new partition. A new partition is neither applied nor read
 *       before the cut of the partition its channels come from ({@link #source}): until then its channels stay
 *       where they were. A growth is <em>sealed</em> once every old partition has its cut.</li>
 * </ul>
 *
 * @param topic       the notification topic
 * @param generations generation 0 (the count before any growth, no cuts) then one per growth, oldest first
 */
public record TopicLayout(String topic, List<Generation> generations) {

    /**
     * Positions of a partition created by generation {@code g} start at {@code g * SPAN}: Kafka offsets stay below
     * 10^15 (a million records a second for thirty years).
     */
    public static final long SPAN = 1_000_000_000_000_000L;

    /**
     * The last generation: its positions stay below 2^53, which Redis's Lua scripts (numbers are doubles) compare
     * exactly. Eight growths take a topic of 6 partitions to 1,536 at the least (each at least doubles).
     */
    public static final int MAX_GENERATION = 8;

    /**
     * One partition count.
     *
     * @param number     0 for the topic as created, then 1, 2, ...
     * @param partitions the count from this generation on, a multiple of the previous one
     * @param sealAfter  when the dispatchers cut the old partitions (epoch millis): the growth's grace period ends
     * @param cuts       per partition of the previous generation, the offset from which moved channels' records
     *                   belong to their new partition; those written so far (none for generation 0)
     */
    public record Generation(int number, int partitions, long sealAfter, Map<Integer, Long> cuts) {

        public Generation {
            if (partitions < 1) {
                throw new IllegalArgumentException("a generation has at least one partition, not " + partitions);
            }
            cuts = Map.copyOf(cuts);
        }

        /** The cut of {@code partition}, or null while it has none. */
        public Long cut(int partition) {
            return cuts.get(partition);
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
        if (generations.size() > MAX_GENERATION + 1) {
            throw new IllegalArgumentException("a topic grows at most " + MAX_GENERATION + " times (positions must stay "
                    + "below 2^53)");
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
            if (!sealed(generations.subList(0, g))) {
                throw new IllegalArgumentException("generation " + g + " follows generation " + (g - 1)
                        + ", which is not sealed");
            }
        }
    }

    /** A topic that never grew. */
    public static TopicLayout of(String topic, int partitions) {
        return new TopicLayout(topic, List.of(new Generation(0, partitions, 0, Map.of())));
    }

    /** The newest generation. */
    public Generation newest() {
        return generations.get(generations.size() - 1);
    }

    /** Whether every partition before the newest growth has its cut (or the topic never grew). */
    public boolean sealed() {
        return sealed(generations);
    }

    private static boolean sealed(List<Generation> generations) {
        if (generations.size() < 2) {
            return true;
        }
        Generation newest = generations.get(generations.size() - 1);
        return newest.cuts().size() == generations.get(generations.size() - 2).partitions();
    }

    /** How many partitions the topic has (an unsealed growth's included). */
    public int partitions() {
        return newest().partitions();
    }

    /**
     * A growth to {@code partitions} whose old partitions are cut from {@code sealAfter} on. Throws when the newest
     * growth is not sealed or the count is not a larger multiple of the current one.
     */
    public TopicLayout grow(int partitions, long sealAfter) {
        List<Generation> next = new ArrayList<>(generations);
        next.add(new Generation(generations.size(), partitions, sealAfter, Map.of()));
        return new TopicLayout(topic, next);
    }

    /** The newest growth with the cut of {@code partition} (one of the generation before it) added. */
    public TopicLayout cut(int partition, long offset) {
        Generation newest = newest();
        if (newest.number() == 0 || partition >= generations.get(newest.number() - 1).partitions()) {
            throw new IllegalArgumentException("partition " + partition + " is not cut by generation " + newest.number());
        }
        Map<Integer, Long> cuts = new HashMap<>(newest.cuts());
        cuts.putIfAbsent(partition, offset); // the first cut written stands
        List<Generation> next = new ArrayList<>(generations.subList(0, generations.size() - 1));
        next.add(new Generation(newest.number(), newest.partitions(), newest.sealAfter(), cuts));
        return new TopicLayout(topic, next);
    }

    /** The newest growth with every partition before it cut at {@code cuts} (tests, and a growth written whole). */
    public TopicLayout seal(Map<Integer, Long> cuts) {
        TopicLayout layout = this;
        for (Map.Entry<Integer, Long> cut : cuts.entrySet()) {
            layout = layout.cut(cut.getKey(), cut.getValue());
        }
        if (!layout.sealed()) {
            throw new IllegalArgumentException("cuts " + cuts + " leave partitions of generation "
                    + (newest().number() - 1) + " uncut");
        }
        return layout;
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
        return offsetOf(position.offset());
    }

    /** The Kafka offset of a position's offset ({@code <offset>-1}) within its partition. */
    public static long offsetOf(long positionOffset) {
        return positionOffset % SPAN;
    }

    /**
     * Whether records of {@code partition} may be applied and read: one of the first partitions, or one whose
     * {@link #source} is cut.
     */
    public boolean sealed(int partition) {
        int generation = generationOf(partition);
        return generation == 0 || generations.get(generation).cut(source(partition)) != null;
    }

    /**
     * The partition whose moved channels fill {@code partition}, for one created by a growth (the dispatcher applies
     * it only once that one's records below the growth's cut are applied); -1 for a partition of generation 0.
     */
    public int source(int partition) {
        int generation = generationOf(partition);
        return generation == 0 ? -1 : partition % generations.get(generation - 1).partitions();
    }

    /** The cut of {@code source} at the growth that created {@code partition} (which must be {@link #sealed(int)}). */
    public long sourceCut(int partition) {
        Long cut = generations.get(generationOf(partition)).cut(source(partition));
        if (cut == null) {
            throw new IllegalStateException("partition " + partition + " is not sealed: its source has no cut yet");
        }
        return cut;
    }

    /**
     * Where a record of {@code channel} found at {@code offset} of {@code partition} belongs: the channel's partition
     * in the generation whose stretch of {@code partition} holds that offset (the stretches end at the partition's
     * cuts). The record is the channel's there when the answer is {@code partition}; otherwise it was written by a
     * producer that had not seen a growth, or by one with another partitioner, and belongs to the answer.
     */
    public int homeAt(ChannelName channel, int partition, long offset) {
        int count = generations.get(generationOf(partition)).partitions();
        for (int g = generationOf(partition) + 1; g < generations.size(); g++) {
            Long cut = generations.get(g).cut(partition);
            if (cut == null || offset < cut) {
                break;
            }
            count = generations.get(g).partitions();
        }
        return ChannelPartitioner.partitionOf(channel, count);
    }

    /** The channel's partition now: the last of its {@link #segments}. */
    public int home(ChannelName channel) {
        List<Segment> segments = segments(channel);
        return segments.get(segments.size() - 1).partition();
    }

    /**
     * The channel's history, oldest first: one segment per partition it lived in, each but the last ending at the
     * cut of the growth that moved it. A growth whose cut of the channel's partition is not written yet has not
     * moved it yet.
     */
    public List<Segment> segments(ChannelName channel) {
        List<Segment> segments = new ArrayList<>();
        int partition = ChannelPartitioner.partitionOf(channel, generations.get(0).partitions());
        for (Generation generation : generations.subList(1, generations.size())) {
            int next = ChannelPartitioner.partitionOf(channel, generation.partitions());
            if (next != partition) {
                Long cut = generation.cut(partition);
                if (cut == null) {
                    break;
                }
                segments.add(new Segment(partition, base(partition), cut));
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

    /**
     * This layout with what {@code other} knows besides (more generations, more cuts): two reads of a layout that
     * only ever grows, taken together. The first cut of a partition stands.
     */
    public TopicLayout merge(TopicLayout other) {
        List<Generation> longer = generations.size() >= other.generations.size() ? generations : other.generations;
        List<Generation> merged = new ArrayList<>();
        for (Generation generation : longer) {
            Map<Integer, Long> cuts = new HashMap<>();
            for (List<Generation> side : List.of(generations, other.generations)) {
                if (generation.number() < side.size()) {
                    side.get(generation.number()).cuts().forEach(cuts::putIfAbsent);
                }
            }
            merged.add(new Generation(generation.number(), generation.partitions(), generation.sealAfter(), cuts));
        }
        return new TopicLayout(topic, merged);
    }

    /**
     * The old partitions the newest growth still has to cut at {@code now}: those of the previous generation without
     * a cut, once its grace period is over; none before.
     */
    public List<Integer> due(long now) {
        Generation newest = newest();
        if (newest.number() == 0 || now < newest.sealAfter()) {
            return List.of();
        }
        return IntStream.range(0, generations.get(newest.number() - 1).partitions())
                .filter(p -> newest.cut(p) == null).boxed().toList();
    }
}
