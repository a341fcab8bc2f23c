package io.herald.e2e.faults;

/**
 * When each step of a scenario happened, in milliseconds after the fault, to read the longest gap against; printed
 * as a {@code RELIABILITY-NOTE} line with the test's output.
 */
final class Steps {
    private final StringBuilder line;
    private long start;

    Steps(String scenario) {
        this.line = new StringBuilder("RELIABILITY-NOTE " + scenario + " steps(ms after the fault):");
    }

    void begin() {
        start = System.nanoTime();
    }

    void mark(String step) {
        line.append(' ').append(step).append('=').append((System.nanoTime() - start) / 1_000_000);
    }

    void print() {
        System.out.println(line);
    }
}
