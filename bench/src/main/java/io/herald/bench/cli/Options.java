package io.herald.bench.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --key value} arguments with defaults. A key nobody asked for is an error when {@link #checkAllUsed()} runs,
 * so a mistyped option fails the run instead of being silently ignored.
 */
public final class Options {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new TreeSet<>();

    public Options(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got '" + arg + "'");
            }
            String key = arg.substring(2);
            String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
            values.put(key, value);
        }
    }

    public String string(String key, String fallback) {
        used.add(key);
        return values.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback) {
        return Integer.parseInt(string(key, Integer.toString(fallback)));
    }

    public long longValue(String key, long fallback) {
        return Long.parseLong(string(key, Long.toString(fallback)));
    }

    public double decimal(String key, double fallback) {
        return Double.parseDouble(string(key, Double.toString(fallback)));
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(string(key, "false"));
    }

    /** Throws when an option was given that no part of the run read. */
    public void checkAllUsed() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown options: " + unknown + "; known: " + used);
        }
    }
}
