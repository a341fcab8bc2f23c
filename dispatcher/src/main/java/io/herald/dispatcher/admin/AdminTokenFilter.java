package io.herald.dispatcher.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Guards {@code /admin/**}: 503 while no admin token is configured (the API is disabled), 401 unless the request
 * carries {@code Authorization: Bearer <token>}. Both as application/problem+json. The token comparison takes
 * the same time whatever the guess.
 */
final class AdminTokenFilter extends OncePerRequestFilter {

    private final byte[] token;
    private final JsonMapper json;

    AdminTokenFilter(String token, JsonMapper json) {
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (token == null) {
            problem(request, response, HttpStatus.SERVICE_UNAVAILABLE, "Admin API disabled",
                    "the admin API is disabled: set herald.dispatcher.admin.token to enable it");
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        if (given == null || !MessageDigest.isEqual(token, given)) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"herald-admin\"");
            problem(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized", given == null
                    ? "send the admin token as Authorization: Bearer <token>" : "the admin token is not valid");
            return;
        }
        chain.doFilter(request, response);
    }

    /** RFC 9457 fields, as the controllers' ProblemDetail responses carry them. */
    private void problem(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
            String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }
}
