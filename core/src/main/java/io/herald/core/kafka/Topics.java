package io.herald.core.kafka;

/** Kafka topic names shared by every service and by {@code heraldctl}. */
public final class Topics {

    /** The notifications topic: key = channel (UTF-8), value = envelope JSON. */
    public static final String DEFAULT_NOTIFICATIONS = "herald.notifications";

    /** Where records that cannot be applied go, with headers that say why. */
    public static String deadLetters(String notificationsTopic) {
        return notificationsTopic + ".DLT";
    }

    /** Header names on dead letters (values UTF-8). */
    public static final String DLT_REASON = "herald.dlt.reason";
    public static final String DLT_MESSAGE = "herald.dlt.message";
    public static final String DLT_FIELD = "herald.dlt.field";
    public static final String DLT_ORIGINAL_PARTITION = "herald.dlt.original.partition";
    public static final String DLT_ORIGINAL_OFFSET = "herald.dlt.original.offset";

    private Topics() {
    }
}
