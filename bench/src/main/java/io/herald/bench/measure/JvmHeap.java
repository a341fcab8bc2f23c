package io.herald.bench.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The live heap of another JVM (the edge): a full GC with {@code jcmd <pid> GC.run}, then the used heap from
 * {@code jstat -gc}. Used between steps of the idle-connection scenario only, never during a latency measurement.
 */
public final class JvmHeap {

    private JvmHeap() {
    }

    /** Used heap in KiB after a full GC, or -1 when the JVM could not be asked. */
    public static long liveKb(long pid) {
        String jdkBin = System.getProperty("java.home") + "/bin/";
        try {
            run(jdkBin + "jcmd", Long.toString(pid), "GC.run");
            String out = run(jdkBin + "jstat", "-gc", Long.toString(pid));
            String[] lines = out.trim().split("\n");
            String[] names = lines[0].trim().split("\\s+");
            String[] values = lines[1].trim().split("\\s+");
            double used = 0;
            for (int i = 0; i < names.length; i++) {
                // survivor, eden and old generation used (KiB); metaspace is not heap
                if (names[i].equals("S0U") || names[i].equals("S1U") || names[i].equals("EU") || names[i].equals("OU")) {
                    used += Double.parseDouble(values[i]);
                }
            }
            return Math.round(used);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
