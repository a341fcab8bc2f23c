package io.herald.ingest.notification;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.herald.ingest.problem.Problems;
import java.net.URI;
import java.util.List;
import org.springframework.http.ProblemDetail;

/**
 * The answer to a batch: one result per item, in request order. An item is either accepted (status 202, in
 * Kafka) or rejected with the problem a single request would have got; a retry of the whole batch with the same
 * ids or Idempotency-Key produces only the items that were not accepted.
 *
 * @param accepted how many items are in Kafka
 * @param rejected how many are not
 * @param results  per item
 */
public record BatchResult(int accepted, int rejected, List<Item> results) {

    static BatchResult of(List<Item> results) {
        int accepted = (int) results.stream().filter(item -> item.status() == 202).count();
        return new BatchResult(accepted, results.size() - accepted, results);
    }

    /**
     * @param index    the item's index in the request
     * @param status   202, or the HTTP status its problem would have had alone
     * @param replayed true when an earlier request with the same key had already produced it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(int index, int status, String id, String channel, String position, Integer partition,
                       Boolean replayed, Problem problem) {

        static Item accepted(int index, NotificationAccepted result, boolean replayed) {
            return new Item(index, 202, result.id(), result.channel(), result.position(), result.partition(), replayed, null);
        }

        static Item rejected(int index, ProblemDetail problem) {
            return new Item(index, problem.getStatus(), null, null, null, null, null, Problem.of(problem));
        }
    }

    /** An item's problem, with the members of an RFC 9457 problem document. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(URI type, String title, int status, String detail, String field) {

        static Problem of(ProblemDetail problem) {
            Object field = problem.getProperties() == null ? null : problem.getProperties().get(Problems.FIELD);
            return new Problem(problem.getType(), problem.getTitle(), problem.getStatus(), problem.getDetail(),
                    field == null ? null : field.toString());
        }
    }
}
