package io.herald.edge.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /error}, where the servlet container sends the errors of the application (an unknown path, a method not
 * allowed, an exception): answered as {@code application/problem+json}, browsers included, in place of Spring
 * Boot's whitelabel page. Asked for directly, {@code /error} is a path like any other, and there is nothing there:
 * 404.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private final HttpProblem problems;

    ProblemErrorController(HttpProblem problems) {
        this.problems = problems;
    }

    @RequestMapping("/error")
    ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        int status = code instanceof Integer forwarded && forwarded >= 400 ? forwarded : 404;
        String path = uri instanceof String forwarded ? forwarded : request.getRequestURI();
        String detail = switch (status) {
            case 404 -> "nothing at " + path;
            case 405 -> "method not allowed on " + path; // the error dispatch is a GET: the method is lost
            default -> HttpProblem.title(status);
        };
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header("Cache-Control", "no-store").body(problems.generic(status, detail));
    }
}
