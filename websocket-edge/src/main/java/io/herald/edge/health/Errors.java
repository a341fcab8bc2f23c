package io.herald.edge.health;

/** Health details say what failed in one line, never with a stack trace. */
final class Errors {

    private Errors() {
    }

    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.replace('\n', ' '));
    }
}
