package io.herald.core.kafka;

/** Kafka topic names shared by every service and by {@code heraldctl}. */
public final class Topics {

    /** The notifications topic: key = channel (UTF-8), value = envelope JSON. */
    public static final String DEFAULT_NOTIFICATIONS = "herald.notifications";

    /** Where records that cannot be applied go, with headers that say why. */
    public static String deadLetters(String notificationsTopic) {
        return notificationsTopic + ".DLT";
    }

    /**
     * The prefix of every header that says why a record is a dead letter: a redriven dead letter that fails again
     * has those dropped, so that it carries only the latest reason.
     */
    public static final String DLT_HEADER_PREFIX = "herald.dlt.";

    /** Header names on dead letters (values UTF-8). */
    public static final String DLT_REASON = DLT_HEADER_PREFIX + "reason";
    public static final String DLT_MESSAGE = DLT_HEADER_PREFIX + "message";
    public static final String DLT_FIELD = DLT_HEADER_PREFIX + "field";
    public static final String DLT_ORIGINAL_PARTITION = DLT_HEADER_PREFIX + "original.partition";
    public static final String DLT_ORIGINAL_OFFSET = DLT_HEADER_PREFIX + "original.offset";

    private Topics() {
    }
}
