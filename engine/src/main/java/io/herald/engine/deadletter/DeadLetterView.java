package io.herald.engine.deadletter;

import java.time.Instant;
import java.util.Map;

/**
 * A record of the dead-letter topic with the reason the dispatcher gave.
 *
 * @param partition         where it is in the dead-letter topic
 * @param offset            where it is in the dead-letter topic
 * @param key               the original key (UTF-8; invalid bytes replaced), or null
 * @param value             the original value (UTF-8; invalid bytes replaced), or null
 * @param valueBytes        the original value's size
 * @param reason            {@code herald.dlt.reason}: a stable code (e.g. {@code malformed-json}, {@code apply-gap})
 * @param message           {@code herald.dlt.message}
 * @param field             {@code herald.dlt.field}: the offending field as a JSON pointer, or null
 * @param originalPartition where the record was in the notifications topic
 * @param originalOffset    where the record was in the notifications topic
 * @param headers           every header, as UTF-8 text
 * @param redriven          when and where it was redriven ({@code <partition>:<offset>@<time>}), or null
 */
public record DeadLetterView(int partition, long offset, Instant timestamp, String key, String value, int valueBytes,
        String reason, String message, String field, Integer originalPartition, Long originalOffset,
        Map<String, String> headers, String redriven) {

    public String ref() {
        return partition + ":" + offset;
    }
}
