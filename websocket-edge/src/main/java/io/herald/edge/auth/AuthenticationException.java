package io.herald.edge.auth;

/** A token that does not prove who the client is; the message is safe to show to that client. */
public class AuthenticationException extends Exception {

    private final AuthFailure failure;

    public AuthenticationException(AuthFailure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public AuthFailure failure() {
        return failure;
    }
}
