package io.herald.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process as /proc shows it: resident memory now and at its peak, and CPU time used (user + system, in clock ticks
 * of 10 ms, as on every Linux this runs on).
 *
 * @param rssKb VmRSS
 * @param hwmKb VmHWM, the peak of VmRSS
 */
public record ProcStats(long rssKb, long hwmKb, long cpuTicks) {

    public static final int TICKS_PER_SECOND = 100;

    /** The process's stats, or null when it is gone (or {@code pid} is 0). */
    public static ProcStats of(long pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
            return new ProcStats(kb(status, "VmRSS"), kb(status, "VmHWM"), cpuTicks(pid));
        } catch (IOException e) {
            return null;
        }
    }

    /** utime + stime of {@code pid}, or -1 when it is gone. */
    public static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public double rssMb() {
        return rssKb / 1024.0;
    }

    public double hwmMb() {
        return hwmKb / 1024.0;
    }

    private static long kb(String status, String field) {
        int at = status.indexOf(field + ":");
        if (at < 0) {
            return 0;
        }
        int end = status.indexOf('\n', at);
        String value = status.substring(at + field.length() + 1, end < 0 ? status.length() : end).trim();
        return Long.parseLong(value.split("\\s+")[0]);
    }
}
