package io.herald.engine;

/**
 * An operation could not be carried out (Kafka or Redis unreachable, a topic missing...). The message is meant
 * for the operator: one line that says what failed and where, without a stack trace.
 */
public class EngineException extends RuntimeException {

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message + ": " + describe(cause), cause);
    }

    /** The innermost cause's type and message, on one line. */
    public static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.replace('\n', ' '));
    }
}
