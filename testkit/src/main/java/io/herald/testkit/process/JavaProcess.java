package io.herald.testkit.process;

import io.herald.testkit.support.LogTail;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM, run with the same {@code java} as this JVM, its stdout and stderr appended to a log file, so a
 * test can really kill it ({@link #kill()} is SIGKILL).
 *
 * <p>Each start appends to the log file; {@link #awaitLine} and {@link #logTail} only look at what this process
 * wrote. A JVM shutdown hook kills children still alive when the test JVM exits, so no broker or service
 * outlives the build. Thread-safe.
 */
public final class JavaProcess implements AutoCloseable {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(25);
    private static final int TAIL_LINES = 40;
    /** Linux refuses a single argument over 128 KiB; longer class paths go through an argument file. */
    private static final int MAX_INLINE_CLASSPATH = 100_000;

    private final Process process;
    private final Path logFile;
    private final long logStart;
    private final String description;
    private final Thread killOnExit;

    private JavaProcess(Process process, Path logFile, long logStart, String description) {
        this.process = process;
        this.logFile = logFile;
        this.logStart = logStart;
        this.description = description;
        this.killOnExit = new Thread(process::destroyForcibly, "herald-kill-child-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts {@code java <jvmArgs> -jar <jar> <args>}. */
    public static JavaProcess jar(Path jar, List<String> jvmArgs, List<String> args, Path logFile) {
        List<String> command = new ArrayList<>(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        return launch(command, logFile, jar.getFileName().toString());
    }

    /**
     * Starts {@code java <jvmArgs> -cp <classpath> <mainClass> <args>}; {@link #currentClasspath()} gives the
     * test's own class path.
     */
    public static JavaProcess mainClass(String mainClass, String classpath, List<String> jvmArgs, List<String> args,
            Path logFile) {
        List<String> command = new ArrayList<>(jvmArgs);
        if (classpath.length() > MAX_INLINE_CLASSPATH) {
            command.add("@" + classpathArgFile(classpath));
        } else {
            command.add("-cp");
            command.add(classpath);
        }
        command.add(mainClass);
        command.addAll(args);
        return launch(command, logFile, mainClass);
    }

    /**
     * This JVM's class path: Surefire's test class path when running under Surefire (its own
     * {@code java.class.path} may be a manifest-only jar), else {@code java.class.path}.
     */
    public static String currentClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The {@code java} launcher of this JVM. */
    public static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The operating system's process id. */
    public long pid() {
        return process.pid();
    }

    /** Where stdout and stderr go. */
    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until this process wrote a line that contains a match of {@code pattern} (lines written before the
     * call count too) and returns that match, so {@code awaitLine(...).group(1)} reads a captured value.
     *
     * @throws AssertionError when the process exits first or the timeout passes, with the end of its log
     */
    public MatchResult awaitLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        LineReader reader = new LineReader(logFile, logStart);
        while (true) {
            boolean alive = process.isAlive();
            for (String line : alive ? reader.newLines() : reader.remainingLines()) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher.toMatchResult();
                }
            }
            if (!alive) {
                throw new AssertionError(description + " exited with code " + process.exitValue()
                        + " before a line matching /" + pattern + "/; log tail (" + logFile + "):\n" + logTail(TAIL_LINES));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line matching /" + pattern + "/ from " + description + " within "
                        + timeout.toMillis() + " ms; log tail (" + logFile + "):\n" + logTail(TAIL_LINES));
            }
            pause();
        }
    }

    /** The last {@code lines} lines this process wrote. */
    public String logTail(int lines) {
        return LogTail.of(logFile, logStart, lines);
    }

    /** SIGKILL: the process gets no chance to clean up. Waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(EXIT_TIMEOUT);
    }

    /** SIGTERM, then SIGKILL if it has not exited after 10 s. */
    public void stop() {
        stop(DEFAULT_STOP_GRACE);
    }

    /** SIGTERM (the JVM runs its shutdown hooks), then SIGKILL if it has not exited after {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
        forgetShutdownHook();
    }

    /** Waits until the process has exited and returns its exit code. */
    public int awaitExit(Duration timeout) {
        if (!waitFor(timeout)) {
            throw new AssertionError(description + " (pid " + pid() + ") still running after " + timeout.toMillis()
                    + " ms; log tail:\n" + logTail(TAIL_LINES));
        }
        forgetShutdownHook();
        return process.exitValue();
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "JavaProcess[" + description + ", pid=" + pid() + ", log=" + logFile + "]";
    }

    private static JavaProcess launch(List<String> javaArgs, Path logFile, String description) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.addAll(javaArgs);
        try {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new JavaProcess(process, logFile, logStart, description);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + description + " with " + command.get(0), e);
        }
    }

    private static Path classpathArgFile(String classpath) {
        try {
            Path file = Files.createTempFile("herald-classpath-", ".args");
            file.toFile().deleteOnExit();
            // Argument files take quoted values; backslashes escape, so double them.
            Files.writeString(file, "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the class path argument file", e);
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + description, e);
        }
    }

    private void forgetShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs anyway and finds the process gone.
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a log line", e);
        }
    }

    /** Reads complete lines appended to a file since the last call. */
    private static final class LineReader {
        private final Path file;
        private long position;
        private byte[] partial = new byte[0];

        LineReader(Path file, long position) {
            this.file = file;
            this.position = position;
        }

        List<String> newLines() {
            List<String> lines = new ArrayList<>();
            if (!Files.exists(file)) {
                return lines;
            }
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long length = in.length();
                if (length <= position) {
                    return lines;
                }
                byte[] chunk = new byte[(int) Math.min(length - position, 1 << 20)];
                in.seek(position);
                in.readFully(chunk);
                position += chunk.length;
                byte[] data = new byte[partial.length + chunk.length];
                System.arraycopy(partial, 0, data, 0, partial.length);
                System.arraycopy(chunk, 0, data, partial.length, chunk.length);
                int lineStart = 0;
                for (int i = 0; i < data.length; i++) {
                    if (data[i] == '\n') {
                        lines.add(new String(data, lineStart, i - lineStart, StandardCharsets.UTF_8));
                        lineStart = i + 1;
                    }
                }
                partial = Arrays.copyOfRange(data, lineStart, data.length);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            return lines;
        }

        /** The new lines including a last one without a line break, for a process that has exited. */
        List<String> remainingLines() {
            List<String> lines = newLines();
            if (partial.length > 0) {
                lines.add(new String(partial, StandardCharsets.UTF_8));
                partial = new byte[0];
            }
            return lines;
        }
    }
}
