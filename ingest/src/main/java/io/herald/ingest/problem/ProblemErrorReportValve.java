package io.herald.ingest.problem;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tomcat's error page, for what Tomcat refuses before a request reaches Spring (a request line or header it cannot
 * parse, a URL or headers past its limits: all 400) and for an error no servlet answered: a problem document with
 * the same type URIs as every other refusal ({@link Problems#slugOf}), instead of Tomcat's HTML. As Tomcat's own
 * valve does, it writes nothing when the response already has a body or when the connection can take no more.
 */
final class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        ObjectNode problem = JsonNodeFactory.instance.objectNode()
                .put("type", Problems.type(Problems.slugOf(HttpStatusCode.valueOf(status))).toString())
                .put("title", title)
                .put("status", status)
                .put("detail", status == 400 ? "the request line or headers could not be read, or exceed the limits"
                        : title);
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(problem.toString());
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response cannot take a body; nothing more to tell it
        }
    }
}
