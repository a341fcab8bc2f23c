package io.herald.ops.cli;

/** What {@code heraldctl} exits with, for scripts (documented in docs/operations.md and in {@code --help}). */
public final class ExitCodes {

    /** Done; everything healthy. */
    public static final int OK = 0;
    /** The operation failed (Kafka or Redis unreachable, nothing found, every record refused...). */
    public static final int FAILED = 1;
    /** The command line was wrong: unknown option, missing value, a time or channel that does not parse. */
    public static final int USAGE = 2;
    /** Partly done (some records refused or mismatched), or something is unhealthy ({@code status}). */
    public static final int PARTIAL = 3;

    private ExitCodes() {
    }
}
