package io.herald.ops.topic;

import io.herald.core.kafka.TopicLayout;
import io.herald.ops.cli.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A topic's layout as {@code heraldctl topic layout} and {@code grow} show it, in a table or as JSON.
 *
 * @param topic            the notifications topic
 * @param partitions       its partition count, an unsealed growth's included
 * @param sealedPartitions the partitions channels live in now (the newest sealed generation's)
 * @param generations      oldest first
 */
public record LayoutView(String topic, int partitions, int sealedPartitions, List<Generation> generations) {

    /**
     * One generation.
     *
     * @param generation its number, 0 for the topic as created
     * @param partitions the count from this generation on
     * @param created    the partitions it created, e.g. {@code 3-5}
     * @param base       what the offsets of those partitions add up to as positions
     * @param sealed     whether services apply and read its partitions
     * @param cuts       per partition of the generation before it, the offset from which its moved channels' records
     *                   belong to their new partition; null for generation 0 and for a growth not sealed yet
     */
    public record Generation(int generation, int partitions, String created, long base, boolean sealed,
                             Map<Integer, Long> cuts) {
    }

    public static LayoutView of(TopicLayout layout) {
        List<Generation> generations = new ArrayList<>();
        int before = 0;
        for (TopicLayout.Generation generation : layout.generations()) {
            generations.add(new Generation(generation.number(), generation.partitions(),
                    before + "-" + (generation.partitions() - 1), layout.base(before), generation.sealed(),
                    generation.cuts() == null ? null : new TreeMap<>(generation.cuts())));
            before = generation.partitions();
        }
        return new LayoutView(layout.topic(), layout.partitions(), layout.current().partitions(), generations);
    }

    public void print(PrintWriter out) {
        out.println("topic " + topic + ": " + partitions + " partitions, channels on " + sealedPartitions
                + (partitions == sealedPartitions ? "" : " (a growth to " + partitions + " is not sealed: "
                        + "heraldctl topic grow --partitions " + partitions + " finishes it)"));
        Table table = new Table("GENERATION", "PARTITIONS", "CREATED", "BASE", "SEALED", "CUTS");
        for (Generation generation : generations) {
            table.row(generation.generation(), generation.partitions(), generation.created(), generation.base(),
                    generation.sealed() ? "yes" : "no", generation.cuts() == null ? null
                            : generation.cuts().entrySet().stream().map(cut -> cut.getKey() + ":" + cut.getValue())
                                    .collect(Collectors.joining(" ")));
        }
        table.print(out);
    }
}
