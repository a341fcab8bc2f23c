package io.herald.edge.protocol;

import io.herald.edge.auth.AuthFailure;
import io.herald.edge.auth.AuthenticationException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Refuses an HTTP request (a WebSocket handshake or an event stream) with an RFC 9457
 * {@code application/problem+json} body whose {@code type} ends in a stable code, as the other Herald services
 * do. A refused token also gets an RFC 6750 {@code WWW-Authenticate} header that carries the same code, because
 * a browser's WebSocket cannot read the body of a failed handshake.
 */
@Component
public class HttpProblem {

    private static final String TYPE = "https://herald.io/problems/";

    private final JsonMapper mapper;

    public HttpProblem(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public void unauthorized(HttpServletResponse response, AuthenticationException e) {
        AuthFailure failure = e.failure();
        if (failure.httpStatus() == 401) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\""
                    + failure.code() + "\"");
        } else {
            response.setHeader("Retry-After", "5");
        }
        write(response, failure.httpStatus(), failure.code(), e.getMessage(), null);
    }

    /**
     * @param extra fields added to the problem document (e.g. {@code channels}), or null
     */
    public void write(HttpServletResponse response, int status, String code, String detail, ObjectNode extra) {
        ObjectNode problem = document(status, code, detail);
        if (extra != null) {
            problem.setAll(extra);
        }
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setHeader("Cache-Control", "no-store");
        byte[] body = problem.toString().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            // the client is gone; nothing to tell it
        }
    }

    /** The problem document alone, for a controller to return with {@code application/problem+json}. */
    public ObjectNode document(int status, String code, String detail) {
        return mapper.createObjectNode()
                .put("type", TYPE + code)
                .put("title", title(status))
                .put("status", status)
                .put("detail", detail)
                .put("code", code);
    }

    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
