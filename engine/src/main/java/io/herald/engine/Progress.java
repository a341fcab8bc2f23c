package io.herald.engine;

/**
 * Where a long operation is, for a progress bar ({@code heraldctl}) or a job status (admin API). Called from
 * the operation's own thread.
 */
public interface Progress {

    Progress NONE = new Progress() {
        @Override
        public void start(long total) {
        }

        @Override
        public void advance(long done) {
        }
    };

    /** The amount of work: offsets to read. */
    void start(long total);

    /** {@code done} more offsets were read. */
    void advance(long done);

    /** The operation ended (successfully or not). */
    default void finish() {
    }
}
