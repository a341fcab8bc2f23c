package io.herald.dispatcher.apply;

import io.herald.redis.ApplyScript;

/**
 * What went wrong in one send of a batch: the first error, which the batch's outcome reports, and whether every error
 * was NOSCRIPT (Redis lost the script during the send: the batch is sent once more at once).
 */
final class SendErrors {

    private Throwable first;
    private boolean onlyNoScript = true;

    void add(Throwable error) {
        add(error, error);
    }

    /** @param reported what to report if it is the first; {@code error} is what happened to the record or node */
    void add(Throwable reported, Throwable error) {
        if (first == null) {
            first = reported;
        }
        onlyNoScript &= ApplyScript.isNoScript(error);
    }

    boolean any() {
        return first != null;
    }

    Throwable first() {
        return first;
    }

    boolean onlyNoScript() {
        return first != null && onlyNoScript;
    }
}
