package io.herald.ingest.notification;

import java.util.List;

/**
 * The answer to an accepted {@code recipients} request: one record per recipient, in the order given.
 *
 * @param notifications the records, all with the same id
 */
public record FanOutAccepted(List<NotificationAccepted> notifications) {
}
