package io.herald.ingest.notification;

import io.herald.ingest.auth.ApiKeys;
import io.herald.ingest.auth.ProducerIdentity;
import io.herald.ingest.idempotency.IdempotencyKeys;
import io.herald.ingest.problem.ProblemException;
import io.herald.ingest.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/notifications} and {@code POST /v1/notifications/batch}. Bodies are read as raw bytes and
 * decoded by the codec that reads Kafka records, so the API and the topic accept exactly the same envelopes.
 * An accepted notification is answered only once Kafka acknowledged it.
 */
@RestController
@RequestMapping("/v1/notifications")
class NotificationController {

    /** Set on answers that repeat an earlier request's result instead of producing. */
    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final ApiKeys apiKeys;
    private final NotificationRequests requests;
    private final NotificationIngest ingest;
    private final IngestProperties properties;

    NotificationController(ApiKeys apiKeys, NotificationRequests requests, NotificationIngest ingest,
                           IngestProperties properties) {
        this.apiKeys = apiKeys;
        this.requests = requests;
        this.ingest = ingest;
        this.properties = properties;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> publish(HttpServletRequest request,
                                   @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                   @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey)
            throws IOException {
        ProducerIdentity producer = apiKeys.authenticate(authorization);
        String key = IdempotencyKeys.fromHeader(idempotencyKey);
        NotificationRequests.Single single = requests.single(
                RequestBodies.read(request, properties.maxBodySize()), key, producer);
        List<Outcome> outcomes = ingest.publish(producer, single.submissions());

        List<NotificationAccepted> accepted = new ArrayList<>(outcomes.size());
        boolean replayed = true;
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Outcome.Accepted ok) {
                accepted.add(ok.result());
                replayed &= ok.replayed();
            }
        }
        if (accepted.size() < outcomes.size()) {
            throw firstRejection(outcomes, single.fanOut() ? accepted.size() : -1);
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.accepted();
        if (replayed) {
            response.header(REPLAYED_HEADER, "true");
        }
        return response.body(single.fanOut() ? new FanOutAccepted(accepted) : accepted.get(0));
    }

    @PostMapping(path = "/batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<BatchResult> publishBatch(HttpServletRequest request,
                                             @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                             @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey)
            throws IOException {
        ProducerIdentity producer = apiKeys.authenticate(authorization);
        String key = IdempotencyKeys.fromHeader(idempotencyKey);
        List<NotificationRequests.BatchEntry> entries = requests.batch(
                RequestBodies.read(request, properties.batch().maxBodySize()), key, producer);

        List<Submission> submissions = entries.stream()
                .map(NotificationRequests.BatchEntry::submission)
                .filter(Objects::nonNull)
                .toList();
        List<Outcome> outcomes = submissions.isEmpty() ? List.of() : ingest.publish(producer, submissions);

        List<BatchResult.Item> results = new ArrayList<>(entries.size());
        int next = 0;
        for (int i = 0; i < entries.size(); i++) {
            NotificationRequests.BatchEntry entry = entries.get(i);
            if (entry.rejection() != null) {
                results.add(BatchResult.Item.rejected(i, entry.rejection()));
            } else {
                Outcome outcome = outcomes.get(next++);
                results.add(outcome instanceof Outcome.Accepted ok
                        ? BatchResult.Item.accepted(i, ok.result(), ok.replayed())
                        : BatchResult.Item.rejected(i, Problems.of(((Outcome.Rejected) outcome).problem())));
            }
        }
        return ResponseEntity.ok(BatchResult.of(results));
    }

    // A fan-out that is partly in Kafka says so: retrying with the same key completes it without duplicates.
    private static ProblemException firstRejection(List<Outcome> outcomes, int acceptedOfFanOut) {
        ProblemException first = outcomes.stream()
                .filter(Outcome.Rejected.class::isInstance)
                .map(outcome -> ((Outcome.Rejected) outcome).problem())
                .findFirst()
                .orElseThrow();
        if (acceptedOfFanOut <= 0) {
            return first;
        }
        return new ProblemException(first.kind(), first.getMessage() + " " + acceptedOfFanOut + " of " + outcomes.size()
                + " recipients were accepted; a retry with the same id or Idempotency-Key sends only the rest.", first.field());
    }
}
