package io.herald.dispatcher.admin;

import io.herald.core.channel.ChannelName;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.engine.deadletter.DeadLetterRef;
import io.herald.engine.deadletter.DeadLetterView;
import io.herald.engine.deadletter.DeadLetters;
import io.herald.engine.deadletter.RedriveReport;
import io.herald.engine.deadletter.RedriveRequest;
import io.herald.engine.Bound;
import io.herald.engine.KafkaAccess;
import io.herald.engine.RedisAccess;
import io.herald.engine.inspect.ChannelInfo;
import io.herald.engine.inspect.ChannelInspector;
import io.herald.engine.inspect.DispatcherStatus;
import io.herald.engine.replay.ReplayEngine;
import io.herald.engine.replay.ReplayRequest;
import io.herald.engine.restore.RestoreEngine;
import io.herald.engine.restore.RestoreRequest;
import io.herald.engine.retention.RetentionPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin HTTP API (docs/operations.md lists the routes): the operations of {@code heraldctl}, run by the
 * dispatcher with its own configuration (topic, group, retention per namespace, sharded pub/sub). Guarded by
 * {@link AdminTokenFilter}; errors are application/problem+json ({@link AdminExceptionHandler}).
 */
@RestController
@RequestMapping("/admin")
class AdminController {

    private final KafkaAccess kafka;
    private final RedisAccess redis;
    private final DeadLetters deadLetters;
    private final ChannelInspector channels;
    private final RestoreEngine restore;
    private final ReplayEngine replay;
    private final RetentionPolicy retention;
    private final AdminJobs jobs;
    private final AdminProperties admin;
    private final String group;
    private final Clock clock = Clock.systemUTC();

    AdminController(KafkaAccess kafka, RedisAccess redis, DeadLetters deadLetters, ChannelInspector channels,
            RestoreEngine restore, ReplayEngine replay, RetentionPolicy retention, AdminJobs jobs,
            AdminProperties admin, DispatcherProperties dispatcher) {
        this.kafka = kafka;
        this.redis = redis;
        this.deadLetters = deadLetters;
        this.channels = channels;
        this.restore = restore;
        this.replay = replay;
        this.retention = retention;
        this.jobs = jobs;
        this.admin = admin;
        this.group = dispatcher.groupId();
    }

    @GetMapping("/status")
    DispatcherStatus status() {
        return DispatcherStatus.read(kafka, redis, deadLetters, group);
    }

    @GetMapping("/channels/{name}")
    ChannelInfo channel(@PathVariable String name) {
        ChannelName channel = ChannelName.parse(name);
        return channels.inspect(channel, retention.of(channel));
    }

    @PostMapping("/restore")
    ResponseEntity<AdminJobs.Job> restore(@RequestBody AdminRequests.Restore body) {
        RestoreRequest request = new RestoreRequest(Bound.parse(required(body.since(), "since"), clock),
                body.until() == null ? null : Bound.parse(body.until(), clock),
                body.channel() == null ? null : ChannelName.parse(body.channel()), AdminRequests.flag(body.dryRun()),
                body.rate() == null ? admin.defaultRate() : body.rate(), group);
        return accepted(jobs.submit("restore", request, progress -> restore.run(request, progress)));
    }

    @PostMapping("/replay")
    ResponseEntity<AdminJobs.Job> replay(@RequestBody AdminRequests.Replay body) {
        if ((body.channel() == null) == (body.user() == null)) {
            throw new IllegalArgumentException("give exactly one of channel and user");
        }
        ChannelName channel = ChannelName.parse(body.channel() != null ? body.channel() : "user:" + body.user());
        ReplayRequest request = new ReplayRequest(channel, Bound.parse(required(body.since(), "since"), clock),
                body.until() == null ? null : Bound.parse(body.until(), clock), AdminRequests.flag(body.dryRun()),
                body.rate() == null ? admin.defaultRate() : body.rate());
        return accepted(jobs.submit("replay", request, progress -> replay.run(request, progress)));
    }

    @GetMapping("/jobs")
    List<AdminJobs.Job> jobs() {
        return jobs.all();
    }

    @GetMapping("/jobs/{id}")
    AdminJobs.Job job(@PathVariable String id) {
        return jobs.get(id).orElseThrow(() -> new AdminExceptionHandler.NotFoundException("no job " + id));
    }

    @GetMapping("/dlt")
    List<DeadLetterView> deadLetters(@RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) Integer partition) throws InterruptedException {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be between 1 and 10000");
        }
        return deadLetters.list(limit, partition);
    }

    @GetMapping("/dlt/{ref}")
    List<DeadLetterView> deadLetter(@PathVariable String ref) throws InterruptedException {
        List<DeadLetterView> found = deadLetters.find(DeadLetterRef.parse(ref));
        if (found.isEmpty()) {
            throw new AdminExceptionHandler.NotFoundException("no dead letter at " + ref + " in " + kafka.deadLetterTopic());
        }
        return found;
    }

    @PostMapping("/dlt/redrive")
    RedriveReport redrive(@RequestBody AdminRequests.Redrive body) throws InterruptedException {
        List<DeadLetterRef> refs = body.records() == null ? List.of()
                : body.records().stream().map(DeadLetterRef::parse).toList();
        if (body.value() != null && !body.value().isObject()) {
            throw new IllegalArgumentException("value must be the corrected envelope, a JSON object");
        }
        byte[] value = body.value() == null ? null : body.value().toString().getBytes(StandardCharsets.UTF_8);
        return deadLetters.redrive(new RedriveRequest(AdminRequests.flag(body.all()), refs, value,
                AdminRequests.flag(body.force()), AdminRequests.flag(body.dryRun())));
    }

    private static ResponseEntity<AdminJobs.Job> accepted(AdminJobs.Job job) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/admin/jobs/" + job.id())).body(job);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
