package io.herald.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One run's results, in the order they were added: printed as a table, appended as one JSON line (the form the
 * peers' generator prints, which docs/perf's plots read) and as one CSV row.
 */
public final class Result {

    private final Map<String, Object> values = new LinkedHashMap<>();

    public Result put(String key, Object value) {
        values.put(key, value instanceof Double d ? round(d) : value);
        return this;
    }

    public Object get(String key) {
        return values.get(key);
    }

    /** p50, p90, p99, p99.9 and max in milliseconds, from a histogram of microseconds. */
    public Result latencies(Histogram micros) {
        put("latencySamples", micros.getTotalCount());
        if (micros.getTotalCount() == 0) {
            for (String k : List.of("p50", "p90", "p99", "p999", "max")) {
                put(k, null);
            }
            return this;
        }
        put("p50", micros.getValueAtPercentile(50) / 1000.0);
        put("p90", micros.getValueAtPercentile(90) / 1000.0);
        put("p99", micros.getValueAtPercentile(99) / 1000.0);
        put("p999", micros.getValueAtPercentile(99.9) / 1000.0);
        put("max", micros.getMaxValue() / 1000.0);
        return this;
    }

    public String json() {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(e.getKey()).append("\":").append(jsonValue(e.getValue()));
        }
        return out.append('}').toString();
    }

    public void print(PrintStream out) {
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", e.getKey(), e.getValue());
        }
    }

    /** Appends the JSON line to {@code dir/results.jsonl} and the CSV row to {@code dir/<scenario>.csv}. */
    public void append(Path dir, String scenario) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.jsonl"), json() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Path csv = dir.resolve(scenario + ".csv");
        List<String> lines = new ArrayList<>();
        if (!Files.exists(csv)) {
            lines.add(String.join(",", values.keySet()));
        }
        lines.add(String.join(",", values.values().stream().map(v -> v == null ? "" : csvValue(v)).toList()));
        Files.write(csv, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String jsonValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return '"' + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String csvValue(Object v) {
        String s = v.toString();
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static double round(double d) {
        return Math.round(d * 1000.0) / 1000.0;
    }
}
