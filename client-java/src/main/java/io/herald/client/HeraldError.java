package io.herald.client;

/**
 * Something the application should know about: an {@code error} frame of the server (its {@code code}, see
 * docs/protocol.md section 5) or one of the client's own codes:
 * <ul>
 *   <li>{@code token-unavailable}: the token supplier threw;</li>
 *   <li>{@code unauthorized}: the edge refused the token (401 or close 4001) and a new one did not help; the
 *       client stopped;</li>
 *   <li>{@code closed}: the edge closed with a code that forbids reconnecting (1003, 1008, 4003, 4009); the client
 *       stopped;</li>
 *   <li>{@code refused}: the edge answered the upgrade with an HTTP status other than 401, 429 and 503; after
 *       403 (origin not allowed) the client stopped, after the others it retries with backoff;</li>
 *   <li>{@code bad-frame}: the server sent a frame that is not a JSON object (ignored).</li>
 * </ul>
 *
 * @param code      the code
 * @param message   human-readable detail
 * @param channel   the channel concerned, or null
 * @param closeCode the WebSocket close code that caused it, or 0
 */
public record HeraldError(String code, String message, String channel, int closeCode) {

    static HeraldError of(String code, String message) {
        return new HeraldError(code, message, null, 0);
    }
}
