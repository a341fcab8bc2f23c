package io.herald.dispatcher.dataset;

/**
 * Which Redis dataset a connection writes to: the server process ({@code run_id}, new at every start, so also
 * new when a replica takes over behind the same address) and the dataset's epoch ({@code herald:dataset}), which
 * disappears with a FLUSHALL or an empty restart. Two batches that saw the same identity wrote to a dataset that
 * has not been replaced or emptied in between.
 *
 * @param runId the server's {@code run_id}
 * @param epoch the dataset's epoch, or {@code null} when the dataset has none (new, emptied, flushed)
 */
public record DatasetIdentity(String runId, String epoch) {

    /** Reads {@code run_id} out of the text of {@code INFO server}. */
    public static String runIdOf(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).trim();
            }
        }
        throw new IllegalStateException("INFO server has no run_id");
    }

    public boolean hasEpoch() {
        return epoch != null;
    }
}
