package io.herald.edge.connection;

import io.herald.edge.auth.AuthenticationException;
import io.herald.edge.auth.Authenticator;
import io.herald.edge.auth.Identity;
import io.herald.edge.http.HttpProblem;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * The door of both transports (WebSocket handshake, event stream): a request gets in only while the node is not
 * draining (503 otherwise), with a valid token (401 with the reason otherwise, 503 when the issuer's keys cannot be
 * fetched) and only while its user holds
 * fewer connections than allowed on this node (429 otherwise). Refused here, a client costs the node nothing.
 */
@Component
public class ConnectionGate {

    private final Authenticator authenticator;
    private final SessionRegistry registry;
    private final HttpProblem problems;
    private final MeterRegistry meters;

    public ConnectionGate(Authenticator authenticator, SessionRegistry registry, HttpProblem problems,
            MeterRegistry meters) {
        this.authenticator = authenticator;
        this.registry = registry;
        this.problems = problems;
        this.meters = meters;
    }

    /** The request's identity, or null once the refusal has been written to {@code response}. */
    public Identity admit(HttpServletRequest request, HttpServletResponse response) {
        if (registry.isDraining()) {
            refused("draining");
            problems.draining(response);
            return null;
        }
        Identity identity;
        try {
            identity = authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION),
                    request.getParameter("access_token"), request.getParameter("user"));
        } catch (AuthenticationException e) {
            refused(e.failure().code());
            problems.unauthorized(response, e.failure().httpStatus(), e.failure().code(), e.getMessage());
            return null;
        }
        if (!registry.hasRoom(identity)) {
            refused("too-many-connections");
            problems.tooManyConnections(response);
            return null;
        }
        return identity;
    }

    private void refused(String reason) {
        meters.counter("herald.edge.handshakes.refused", "reason", reason).increment();
    }
}
