package io.herald.edge.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.http.HttpStatus;
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
    /**
     * Seconds a refused client should wait before trying again, sent as {@code Retry-After} with every refusal that
     * may succeed later (503 keys-unavailable, 429 too-many-connections): long enough that a client obeying it costs
     * the node little, short enough that a fetched key set or a freed connection slot is used soon.
     */
    static final String RETRY_AFTER_SECONDS = "5";

    private final JsonMapper mapper;

    public HttpProblem(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * A refused token: 401 with the code in {@code WWW-Authenticate}, or another status (503 when the issuer's keys
     * cannot be fetched) with {@code Retry-After}. The caller passes the failure's parts, so that this HTTP
     * vocabulary stays independent of how tokens are checked.
     *
     * @param status the failure's HTTP status
     * @param code   its stable code
     * @param detail why, safe to show to the client
     */
    public void unauthorized(HttpServletResponse response, int status, String code, String detail) {
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\""
                    + code + "\"");
        } else {
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
        write(response, status, code, detail, null);
    }

    /**
     * 429: the user already holds the most connections (WebSocket and event streams) allowed on this node. It may
     * succeed once one of them ends, so the answer says when to try again.
     */
    public void tooManyConnections(HttpServletResponse response) {
        response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        write(response, 429, "too-many-connections", "this user already holds the most connections allowed on this node",
                null);
    }

    /**
     * 403: the request comes from a page whose origin is not in {@code herald.edge.allowed-origins}, on any endpoint
     * (the WebSocket handshake checks it itself, the event stream and the dev token through CORS).
     */
    public void originNotAllowed(HttpServletResponse response) {
        write(response, 403, "origin-not-allowed",
                "pages of this origin may not connect here (herald.edge.allowed-origins)", null);
    }

    /** 503: the node is shutting down and drains its connections; another node takes the client. */
    public void draining(HttpServletResponse response) {
        response.setHeader("Retry-After", "1"); // any other node takes it now
        write(response, 503, "draining", "this node is shutting down; connect to another (or again shortly)", null);
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

    /**
     * The problem document of a refusal Herald code did not make (the container's own 400, 414 or 431, a 404 or 405
     * from Spring MVC): its code is the status's name, as ingest names them ({@code uri-too-long},
     * {@code not-found}, ...).
     */
    public byte[] generic(int status, String detail) {
        return document(status, codeOf(status), detail).toString().getBytes(StandardCharsets.UTF_8);
    }

    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** {@code 414} -> {@code uri-too-long}; {@code http-<status>} for a status Spring does not name. */
    static String codeOf(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "http-" + status : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The status's reason phrase ({@code Bad Request}), or {@code Error}. */
    public static String title(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }
}
