package io.herald.dispatcher.admin;

import io.herald.engine.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the dispatcher's HTTP API as application/problem+json with a message an operator can act on,
 * never a stack trace: bad input 400, unknown job or dead letter 404, a job of the same kind running 409, Kafka
 * or Redis unreachable 503. Spring MVC's own errors (unreadable JSON, unknown route, wrong method) are
 * rendered the same way by {@link ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice
class AdminExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(AdminExceptionHandler.class);

    static final class NotFoundException extends RuntimeException {
        NotFoundException(String message) {
            super(message);
        }
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage());
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(AdminJobs.ConflictException.class)
    ProblemDetail conflict(AdminJobs.ConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
    }

    @ExceptionHandler(EngineException.class)
    ProblemDetail unavailable(EngineException e) {
        log.warn("admin request failed error=\"{}\"", e.getMessage());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Dependency unavailable", e.getMessage());
    }

    @ExceptionHandler(InterruptedException.class)
    ProblemDetail interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Shutting down", "the dispatcher is shutting down");
    }

    /** A bug, not the caller's fault: logged with its stack trace here, reported without it. */
    @ExceptionHandler(RuntimeException.class)
    ProblemDetail unexpected(RuntimeException e) {
        log.error("admin request failed unexpectedly", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "the request failed unexpectedly (" + e.getClass().getSimpleName() + "); see the dispatcher's log");
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
