package io.herald.ingest.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /error}, where the servlet container sends errors that no Spring handler answered (a filter's
 * {@code sendError}, a failure outside Spring MVC): answered as a problem document, for any client, in place of
 * Spring Boot's whitelabel page. Asked for directly, {@code /error} is a path like any other with nothing there:
 * 404.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        HttpStatusCode status = HttpStatusCode.valueOf(code instanceof Integer forwarded && forwarded >= 400 ? forwarded : 404);
        String path = uri instanceof String forwarded ? forwarded : request.getRequestURI();
        HttpStatus known = HttpStatus.resolve(status.value());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
                status.value() == 404 ? "nothing at " + path : known == null ? "error" : known.getReasonPhrase());
        problem.setType(Problems.type(Problems.slugOf(status)));
        if (known != null) {
            problem.setTitle(known.getReasonPhrase());
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
