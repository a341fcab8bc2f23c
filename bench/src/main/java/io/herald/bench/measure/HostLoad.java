package io.herald.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * How busy the machine is apart from the benchmark. The machine is shared (other builds run on it): a run waits for
 * a quiet host first, and reports the CPU that other processes used meanwhile, as the peers' generator does
 * ({@code foreignCpuPct}, 100 = one core).
 */
public final class HostLoad {

    private HostLoad() {
    }

    /** The 1-minute load average. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            return -1;
        }
    }

    /** How a wait for a quiet host ended: after {@code seconds}, quiet (the load was below the threshold) or not. */
    public record Wait(long seconds, boolean quiet) {
    }

    /**
     * Waits, polling every {@code pollSeconds}, until the 1-minute load is below {@code threshold}, for at most
     * {@code maxSeconds} (0: only look).
     */
    public static Wait awaitQuiet(double threshold, long maxSeconds, long pollSeconds) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            double load = loadAverage();
            long waited = (System.nanoTime() - start) / 1_000_000_000L;
            if (load < threshold) {
                return new Wait(waited, true);
            }
            if (waited >= maxSeconds) {
                return new Wait(waited, false);
            }
            System.err.printf("waiting for a quiet host: load1=%.2f threshold=%.2f waited=%ds%n", load, threshold, waited);
            Thread.sleep(pollSeconds * 1000);
        }
    }

    /** Whole-host idle percentage over {@code millis}. */
    public static int idlePercent(long millis) throws InterruptedException {
        long[] a = cpuLine();
        Thread.sleep(millis);
        long[] b = cpuLine();
        long total = 0;
        for (int i = 0; i < a.length; i++) {
            total += b[i] - a[i];
        }
        long idle = (b[3] - a[3]) + (b[4] - a[4]);
        return total == 0 ? 100 : (int) Math.round(100.0 * idle / total);
    }

    /**
     * CPU ticks of every user process that is not part of the benchmark: neither this JVM nor its children, nor a
     * process in {@code ownPids}, nor a redis-server, nor a kernel thread.
     */
    public static Map<Long, Long> foreignTicks(Set<Long> ownPids) {
        long self = ProcessHandle.current().pid();
        Map<Long, Long> ticks = new HashMap<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            dirs.forEach(dir -> {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    return;
                }
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(name);
                    long ppid = Long.parseLong(f[1]);
                    if (pid == self || ppid == self || ppid == 2 || pid == 2 || ownPids.contains(pid)
                            || comm.equals("redis-server")) {
                        return;
                    }
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException e) {
                    // the process exited meanwhile
                }
            });
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** Foreign CPU between two {@link #foreignTicks} snapshots, in percent of one core. */
    public static int foreignCpuPercent(Map<Long, Long> before, Map<Long, Long> after, double seconds) {
        long ticks = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return (int) Math.round(ticks * 100.0 / ProcStats.TICKS_PER_SECOND / Math.max(0.001, seconds));
    }

    private static long[] cpuLine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] v = new long[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                v[i - 1] = Long.parseLong(f[i]);
            }
            return v;
        } catch (IOException e) {
            return new long[8];
        }
    }
}
