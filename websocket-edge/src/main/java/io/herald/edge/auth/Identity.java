package io.herald.edge.auth;

import java.time.Instant;

/**
 * Who a connection belongs to, as its token proved it.
 *
 * @param subject       the token's {@code sub}; with authentication disabled, the {@code user} query parameter or
 *                      {@code anonymous}
 * @param grants        the channels the token's {@code channels} claim grants
 * @param expiresAt     when the connection must be refreshed or end ({@code exp} plus the clock skew); null for never
 * @param authenticated false when authentication is disabled and the subject is only what the client said
 */
public record Identity(String subject, ChannelGrants grants, Instant expiresAt, boolean authenticated) {

    public static final String ANONYMOUS = "anonymous";

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * Whose work a connection's catch-ups are, for fairness between users: the subject when authenticated; else the
     * connection itself, since an unauthenticated subject is only what the client said.
     */
    public String owner(String connectionId) {
        return authenticated ? subject : connectionId;
    }
}
