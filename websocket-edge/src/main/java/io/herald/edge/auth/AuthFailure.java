package io.herald.edge.auth;

/**
 * Why a token was refused. The {@code code} is stable (clients and operators branch on it) and is sent as the
 * {@code error_description} of the {@code WWW-Authenticate} header and the {@code code} of the problem document.
 */
public enum AuthFailure {
    MISSING_TOKEN("missing-token", 401),
    MALFORMED_TOKEN("malformed-token", 401),
    /** {@code alg: none}: an unsigned token proves nothing. */
    UNSIGNED_TOKEN("unsigned-token", 401),
    /** Wrong signature, an algorithm this node does not accept, or a key the issuer does not publish. */
    BAD_SIGNATURE("bad-signature", 401),
    EXPIRED("expired", 401),
    /** A required claim is missing or malformed, or {@code iss}/{@code aud}/{@code nbf} do not fit. */
    INVALID_CLAIMS("invalid-claims", 401),
    /** The issuer's key set could not be fetched: not the client's fault, so not a 401. */
    KEYS_UNAVAILABLE("keys-unavailable", 503);

    private final String code;
    private final int httpStatus;

    AuthFailure(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
