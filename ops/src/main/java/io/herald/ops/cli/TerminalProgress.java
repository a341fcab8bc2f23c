package io.herald.ops.cli;

import io.herald.engine.Progress;
import java.io.Console;
import java.io.PrintStream;

/**
 * A progress bar on stderr for long work (restore, replay), redrawn at most five times a second. Only when
 * stdout is a terminal: piped or redirected output stays free of it.
 */
public final class TerminalProgress implements Progress {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private long total;
    private long done;
    private long lastDrawNanos;

    private TerminalProgress(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    /** A bar when stdout is a terminal, otherwise nothing. */
    public static Progress forTerminal(String label) {
        return isTerminal() ? new TerminalProgress(System.err, label) : Progress.NONE;
    }

    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+ returns a console even when redirected; it then says whether it is a terminal
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public void start(long work) {
        total = work;
        draw(true);
    }

    @Override
    public void advance(long amount) {
        done += amount;
        draw(false);
    }

    @Override
    public void finish() {
        draw(true);
        err.println();
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDrawNanos < 200_000_000L) {
            return;
        }
        lastDrawNanos = now;
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        err.print("\r" + label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                + Math.round(fraction * 100) + "% " + done + "/" + total + " offsets");
        err.flush();
    }
}
