package io.herald.ops.cli;

import io.herald.engine.Bound;
import io.herald.engine.EngineException;
import io.herald.engine.Progress;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import tools.jackson.databind.JsonNode;

/**
 * Runs a restore or replay inside the dispatcher ({@code --via-dispatcher}): POSTs it to the admin API, then
 * polls {@code GET /admin/jobs/{id}} until the job ends, feeding the progress bar. The dispatcher applies its
 * own configuration (retention per namespace, envelope limits).
 */
public final class AdminJobClient {

    private static final Duration POLL = Duration.ofMillis(300);

    private final Http http;
    private final String base;

    private AdminJobClient(Http http, String base) {
        this.http = http;
        this.base = base;
    }

    public static AdminJobClient of(CommandSpec spec, ConnectionOptions connection) {
        if (connection.dispatcherUrl == null || connection.dispatcherUrl.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--via-dispatcher needs --dispatcher-url (or HERALD_DISPATCHER_URL)");
        }
        if (connection.adminToken == null || connection.adminToken.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--via-dispatcher needs --admin-token (or HERALD_ADMIN_TOKEN)");
        }
        return new AdminJobClient(new Http(connection.timeout, connection.adminToken), connection.dispatcherUrl);
    }

    /** The form of a bound the admin API reads back to the same point: relative times are resolved here. */
    public static String text(Bound bound) {
        if (bound == null) {
            return null;
        }
        return bound instanceof Bound.At at ? at.time().toString() : Long.toString(((Bound.Offset) bound).offset());
    }

    /** Submits the job and waits for its report; a failed job or a refused request throws with the reason. */
    public JsonNode run(String path, Map<String, Object> body, Progress progress) throws InterruptedException {
        Http.Reply submitted = http.post(base, path, body);
        if (!submitted.ok()) {
            throw new EngineException("dispatcher refused " + path + ": " + submitted.problem());
        }
        String id = submitted.body().path("id").asString();
        boolean started = false;
        long done = 0;
        try {
            while (true) {
                Http.Reply job = http.get(base, "/admin/jobs/" + id);
                if (!job.ok()) {
                    throw new EngineException("dispatcher lost job " + id + ": " + job.problem());
                }
                JsonNode body2 = job.body();
                if (!started && body2.path("total").asLong() > 0) {
                    progress.start(body2.path("total").asLong());
                    started = true;
                }
                long now = body2.path("done").asLong();
                if (started && now > done) {
                    progress.advance(now - done);
                    done = now;
                }
                switch (body2.path("state").asString()) {
                    case "succeeded" -> {
                        return body2.path("report");
                    }
                    case "failed" -> throw new EngineException("dispatcher job " + id + " failed: " + body2.path("error").asString());
                    default -> Thread.sleep(POLL.toMillis()); // polling the job is the protocol here
                }
            }
        } finally {
            progress.finish();
        }
    }
}
