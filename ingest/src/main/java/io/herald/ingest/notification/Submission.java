package io.herald.ingest.notification;

import io.herald.core.envelope.Envelope;

/**
 * One record a request asks for, ready to produce.
 *
 * @param envelope       the validated envelope
 * @param idempotencyKey the key that makes a retry produce nothing new ({@code Idempotency-Key} or the envelope's
 *                       own id), or {@code null} when the producer gave neither
 * @param fingerprint    a digest of the request item, to tell a retry from a different request with the same key
 */
record Submission(Envelope envelope, String idempotencyKey, String fingerprint) {
}
