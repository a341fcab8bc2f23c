package io.herald.engine.restore;

import io.herald.core.position.Position;

/**
 * One record to restore into its channel's log.
 *
 * @param prevKnown whether {@code prev} is the channel's previous record as read from Kafka; when the scan did
 *                  not see one, {@code prev} is the position just below the record's own, which proves nothing
 *                  about earlier positions, so an edge resuming from before reads that stretch from Kafka
 */
record RestoreRecord(long offset, Position prev, boolean prevKnown, String envelopeJson) {
}
