package io.herald.client;

/**
 * The server could not deliver some notifications of a channel (docs/protocol.md, {@code reset}).
 *
 * @param channel the channel
 * @param reason  for humans, e.g. "kafka no longer holds offset 1236 of ..."
 */
public record Reset(String channel, String reason) {
}
