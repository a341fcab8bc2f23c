package io.herald.edge.delivery;

import io.herald.core.metrics.LatencyBuckets;
import io.herald.edge.history.Recovery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * What the edge delivers, for dashboards and alerts (Prometheus names in brackets):
 * <ul>
 * <li>{@value #LATENCY} [{@code herald_edge_delivery_latency_seconds}]: end-to-end latency of live deliveries,
 *     from the envelope's {@code createdAt} (set by the producer or ingest) to the frame entering the session's
 *     outbound buffer; a histogram with SLO buckets (5 ms to 10 s), from which dashboards compute percentiles
 *     across nodes ({@code histogram_quantile}). Catch-ups and replays are not in it: they deliver old
 *     notifications on purpose.</li>
 * <li>{@value #DELIVERIES}{@code {kind}} [{@code herald_edge_deliveries_total}]: notification frames queued for
 *     clients: {@code live} (pub/sub), {@code history} (catch-up from the Redis log or Kafka), {@code replay}
 *     (an operator's {@code heraldctl replay}).</li>
 * <li>{@value #RESUMES}{@code {outcome}} [{@code herald_edge_resumes_total}]: subscribes with a position (a
 *     {@code since} or a resume token), by how the missed notifications were recovered: {@code hot} (Redis log
 *     alone), {@code kafka} (Kafka needed) or {@code reset} (a gap neither holds: the client was told to reload).</li>
 * <li>{@value #GAPS_FILLED}{@code {outcome}} [{@code herald_edge_gaps_filled_total}]: later catch-ups of live
 *     subscriptions (a {@code prev} mismatch, a pub/sub reconnect, the tail check), with the same outcomes.</li>
 * <li>{@value #EXPIRED} [{@code herald_edge_expired_total}]: notifications not delivered to a session because their
 *     {@code expiresAt} had passed (live, history or replay; counted once per session).</li>
 * </ul>
 */
@Component
public class DeliveryMetrics {

    public static final String LATENCY = "herald.edge.delivery.latency";
    public static final String DELIVERIES = "herald.edge.deliveries";
    public static final String RESUMES = "herald.edge.resumes";
    public static final String GAPS_FILLED = "herald.edge.gaps.filled";
    public static final String EXPIRED = "herald.edge.expired";

    private final Timer latency;
    private final Counter live;
    private final Counter history;
    private final Counter replay;
    private final Counter expired;
    private final MeterRegistry meters;

    public DeliveryMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.latency = Timer.builder(LATENCY)
                .description("Live notifications from createdAt to the client's outbound buffer")
                .serviceLevelObjectives(LatencyBuckets.slos())
                .register(meters);
        this.live = deliveries(meters, "live");
        this.history = deliveries(meters, "history");
        this.replay = deliveries(meters, "replay");
        this.expired = Counter.builder(EXPIRED).description("Notifications not delivered because they had expired")
                .register(meters);
        for (String outcome : new String[] {"hot", "kafka", "reset"}) {
            meters.counter(RESUMES, "outcome", outcome);
            meters.counter(GAPS_FILLED, "outcome", outcome);
        }
    }

    private static Counter deliveries(MeterRegistry meters, String kind) {
        return Counter.builder(DELIVERIES).description("Notification frames queued for clients, by kind")
                .tag("kind", kind).register(meters);
    }

    /** @param createdAt the envelope's createdAt in epoch millis, or a negative value when unknown */
    void live(long createdAt) {
        live.increment();
        if (createdAt >= 0) {
            latency.record(Math.max(0, System.currentTimeMillis() - createdAt), TimeUnit.MILLISECONDS);
        }
    }

    void history() {
        history.increment();
    }

    void replay() {
        replay.increment();
    }

    void expired() {
        expired.increment();
    }

    /**
     * @param first whether this catch-up answered a subscribe with a position (a resume); later ones count only
     *              when they found something (a reconnect or tail check that finds nothing missing filled no gap)
     */
    void caughtUp(Recovery recovery, boolean first) {
        String outcome = !recovery.complete() ? "reset" : recovery.source().name().toLowerCase();
        if (first) {
            meters.counter(RESUMES, "outcome", outcome).increment();
        } else if (recovery.replayed() > 0 || !recovery.complete()) {
            meters.counter(GAPS_FILLED, "outcome", outcome).increment();
        }
    }
}
