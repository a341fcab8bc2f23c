package io.herald.client;

/**
 * Gives the client a JWT. Called before every connection attempt and before the current token expires (for a
 * {@code refresh}), on a thread of the client's own, so it may block (e.g. on an HTTP call to the issuer).
 */
@FunctionalInterface
public interface TokenSupplier {

    /** A token; throwing means none is available now. */
    String get() throws Exception;
}
