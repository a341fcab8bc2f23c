package io.herald.ingest.problem;

import io.herald.core.envelope.InvalidEnvelopeException;
import io.herald.ingest.notification.IngestProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every rejection into application/problem+json with a stable type URI; Spring MVC's own rejections
 * (404, 405, 415, ...) keep Spring's title and detail but get a Herald type. Unexpected failures are logged here
 * and answered with a generic 500: no exception text or stack trace leaves the service.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
    private static final URI ABOUT_BLANK = URI.create("about:blank");

    private final IngestProperties properties;

    ProblemAdvice(IngestProperties properties) {
        this.properties = properties;
    }

    @ExceptionHandler(InvalidEnvelopeException.class)
    ResponseEntity<ProblemDetail> invalidEnvelope(InvalidEnvelopeException e) {
        return ResponseEntity.badRequest().body(Problems.of(e));
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.kind().status());
        if (e.kind().retryable()) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds());
        }
        if (e.kind() == ProblemKind.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"herald-ingest\"");
        }
        return response.body(Problems.of(e));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("request failed unexpectedly method={} path={}", request.getMethod(), request.getRequestURI(), e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The request failed unexpectedly and was logged; whether the notification was written is unknown.");
        problem.setType(Problems.type("internal-error"));
        problem.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(problem);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
                                                          HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null || ABOUT_BLANK.equals(problem.getType()))) {
            problem.setType(Problems.type(Problems.slugOf(status)));
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    private String retryAfterSeconds() {
        return Long.toString(Math.max(1, (properties.retryAfter().toMillis() + 999) / 1000));
    }
}
