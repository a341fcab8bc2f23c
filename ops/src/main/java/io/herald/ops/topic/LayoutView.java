package io.herald.ops.topic;

import io.herald.core.kafka.TopicLayout;
import io.herald.ops.cli.Table;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A topic's layout as {@code heraldctl topic layout} and {@code grow} show it, in a table or as JSON.
 *
 * @param topic       the notifications topic
 * @param partitions  its partition count, the newest growth's included
 * @param sealed      whether every partition before the newest growth is cut (or the topic never grew)
 * @param generations oldest first
 */
public record LayoutView(String topic, int partitions, boolean sealed, List<Generation> generations) {

    /**
     * One generation.
     *
     * @param generation its number, 0 for the topic as created
     * @param partitions the count from this generation on
     * @param created    the partitions it created, e.g. {@code 3-5}
     * @param base       what the offsets of those partitions add up to as positions
     * @param cutFrom    when the dispatchers cut the partitions before it (its grace period ends); null for
     *                   generation 0
     * @param cuts       per partition of the generation before it, the offset from which its moved channels' records
     *                   belong to their new partition: those the dispatchers wrote so far
     */
    public record Generation(int generation, int partitions, String created, long base, Instant cutFrom,
                             Map<Integer, Long> cuts) {
    }

    public static LayoutView of(TopicLayout layout) {
        List<Generation> generations = new ArrayList<>();
        int before = 0;
        for (TopicLayout.Generation generation : layout.generations()) {
            generations.add(new Generation(generation.number(), generation.partitions(),
                    before + "-" + (generation.partitions() - 1), layout.base(before),
                    generation.number() == 0 ? null : Instant.ofEpochMilli(generation.sealAfter()),
                    new TreeMap<>(generation.cuts())));
            before = generation.partitions();
        }
        return new LayoutView(layout.topic(), layout.partitions(), layout.sealed(), generations);
    }

    public void print(PrintWriter out) {
        out.println("topic " + topic + ": " + partitions + " partitions" + (sealed ? "" : " (the newest growth is not "
                + "sealed: the dispatchers cut each older partition once its grace period is over)"));
        Table table = new Table("GENERATION", "PARTITIONS", "CREATED", "BASE", "CUT FROM", "CUTS");
        for (Generation generation : generations) {
            table.row(generation.generation(), generation.partitions(), generation.created(), generation.base(),
                    generation.cutFrom(), generation.cuts().entrySet().stream()
                            .map(cut -> cut.getKey() + ":" + cut.getValue()).collect(Collectors.joining(" ")));
        }
        table.print(out);
    }
}
