package io.herald.edge.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of an edge node ({@code herald.edge.*}).
 *
 * @param nodeId   this node's name in {@code welcome} frames and logs (default: a random {@code edge-xxxxxx})
 * @param outbound each session's outbound buffer
 * @param recovery how subscriptions catch up from the Redis log and, beyond it, from Kafka
 * @param limits   protections against hostile or broken clients
 * @param drain    how the node sheds its sessions on shutdown
 */
@ConfigurationProperties("herald.edge")
public record EdgeProperties(
        @DefaultValue("") String nodeId,
        @DefaultValue Outbound outbound,
        @DefaultValue Recovery recovery,
        @DefaultValue Limits limits,
        @DefaultValue Drain drain) {

    public EdgeProperties {
        if (nodeId == null || nodeId.isBlank()) {
            nodeId = "edge-" + Long.toString(Double.doubleToLongBits(Math.random()) & 0xffffff, 36);
        }
    }

    /**
     * @param maxBytes frames queued for one session beyond which it is closed with 4008 (default 1 MiB, counted
     *                 in UTF-16 characters)
     * @param maxDelay how long one frame may wait for the client to take it before 4008 (default 10 s)
     */
    public record Outbound(@DefaultValue("1048576") long maxBytes, @DefaultValue("10s") Duration maxDelay) {
    }

    /**
     * @param pageSize        entries read per XRANGE (default 500)
     * @param threads         threads that run catch-ups, shared by all sessions (default 4)
     * @param kafkaScanBudget records a single catch-up may scan in Kafka before it gives up with a reset
     *                        (default 500000)
     * @param kafkaTimeout    how long a Kafka catch-up may take in total (default 30 s)
     * @param retryBackoff    pause before retrying a catch-up that failed (Redis or Kafka unavailable) (default 500 ms)
     * @param tailCheck       how often each watched channel's last position is compared with what was delivered,
     *                        to catch a silent loss of the newest messages (default 5 s; 0 disables)
     */
    public record Recovery(
            @DefaultValue("500") int pageSize,
            @DefaultValue("4") int threads,
            @DefaultValue("500000") long kafkaScanBudget,
            @DefaultValue("30s") Duration kafkaTimeout,
            @DefaultValue("500ms") Duration retryBackoff,
            @DefaultValue("5s") Duration tailCheck) {
    }

    /**
     * @param maxFrameBytes          largest client frame; larger ones close the session with 1009 (default 16 KiB)
     * @param maxSubscriptions       channels one session may hold; past it the session is closed with 4009 (default 256)
     * @param subscribeTimeout       how long a subscribe may wait for the node's pub/sub confirmation (default 5 s)
     */
    public record Limits(
            @DefaultValue("16384") int maxFrameBytes,
            @DefaultValue("256") int maxSubscriptions,
            @DefaultValue("5s") Duration subscribeTimeout) {
    }

    /**
     * @param period    the time over which sessions are closed with 1012 on shutdown (default 5 s)
     * @param batchSize sessions closed per step (default 200)
     */
    public record Drain(@DefaultValue("5s") Duration period, @DefaultValue("200") int batchSize) {
    }
}
