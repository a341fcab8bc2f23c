package io.herald.edge.auth;

import java.util.regex.Pattern;

/**
 * Finds the token of a handshake or event-stream request and verifies it: the {@code Authorization: Bearer}
 * header first, else the {@code access_token} query parameter (browsers cannot set headers on a WebSocket or an
 * EventSource). With authentication disabled ({@code verifier} null) every request is let in as the user its
 * {@code user} query parameter names, or {@code anonymous}, and may see every channel.
 */
public final class Authenticator {

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");
    private static final String BEARER = "bearer ";

    private final TokenVerifier verifier;

    public Authenticator(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    public boolean enabled() {
        return verifier != null;
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @param accessToken   the {@code access_token} query parameter, or null
     * @param user          the {@code user} query parameter, or null (used only when authentication is disabled)
     */
    public Identity authenticate(String authorization, String accessToken, String user) throws AuthenticationException {
        if (verifier == null) {
            String subject = user != null && USER.matcher(user).matches() ? user : Identity.ANONYMOUS;
            return new Identity(subject, ChannelGrants.ALL, null, false);
        }
        return verifier.verify(token(authorization, accessToken));
    }

    /** Verifies a token sent in a {@code refresh} frame. */
    public Identity verify(String token) throws AuthenticationException {
        if (verifier == null) {
            throw new IllegalStateException("authentication is disabled");
        }
        return verifier.verify(token);
    }

    private static String token(String authorization, String accessToken) throws AuthenticationException {
        if (authorization != null && !authorization.isBlank()) {
            if (authorization.length() <= BEARER.length()
                    || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                throw new AuthenticationException(AuthFailure.MALFORMED_TOKEN, "Authorization header must be 'Bearer <token>'");
            }
            return authorization.substring(BEARER.length()).trim();
        }
        if (accessToken == null || accessToken.isBlank()) {
            throw new AuthenticationException(AuthFailure.MISSING_TOKEN,
                    "no token: send 'Authorization: Bearer <token>' or the access_token query parameter");
        }
        return accessToken;
    }
}
