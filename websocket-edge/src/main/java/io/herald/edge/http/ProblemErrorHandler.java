package io.herald.edge.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's server-wide error page, for what Jetty refuses before a request reaches the application: a request line
 * or header it cannot parse (400), a URL or headers past its limits (414, 431). Answers with the same
 * {@code application/problem+json} documents as every other refusal, instead of Jetty's HTML, whatever the client
 * accepts.
 */
final class ProblemErrorHandler extends ErrorHandler {

    private final HttpProblem problems;

    ProblemErrorHandler(HttpProblem problems) {
        this.problems = problems;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        byte[] body = problems.generic(code, message == null || message.isBlank() ? HttpProblem.title(code) : message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
