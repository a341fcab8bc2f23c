package io.herald.testkit.support;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last lines of a log file, for failure messages. Internal to the testkit. */
public final class LogTail {

    /** How much of the end of a file is read at most; a tail is for humans, not for parsing. */
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    /** The last {@code maxLines} lines of {@code file} written after byte {@code fromOffset}. */
    public static String of(Path file, long fromOffset, int maxLines) {
        if (!Files.exists(file)) {
            return "(no log file " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(fromOffset, in.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            Deque<String> lines = new ArrayDeque<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                lines.addLast(line);
                if (lines.size() > maxLines) {
                    lines.removeFirst();
                }
            }
            return lines.isEmpty() ? "(log " + file + " is empty)" : String.join("\n", lines);
        } catch (IOException e) {
            return "(cannot read log " + file + ": " + e + ")";
        }
    }
}
