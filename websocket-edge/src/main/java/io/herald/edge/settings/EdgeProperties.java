package io.herald.edge.settings;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of an edge node ({@code herald.edge.*}).
 *
 * @param nodeId         this node's name in {@code welcome} frames and logs (default: a random {@code edge-xxxxxx})
 * @param outbound       each session's outbound buffer
 * @param fanOut         how live messages from the node's pub/sub connection reach its sessions
 * @param recovery       how subscriptions catch up from the Redis log and, beyond it, from Kafka
 * @param limits         protections against hostile or broken clients
 * @param drain          how the node sheds its sessions on shutdown
 * @param auth           who may connect and what they may see
 * @param heartbeat      WebSocket pings that find dead peers
 * @param sse            the Server-Sent Events endpoint
 * @param allowedOrigins browser {@code Origin}s allowed to open a WebSocket or an event stream, as Spring origin
 *                       patterns ({@code https://*.example.com}); {@code *} allows any. Default: none, i.e. only
 *                       pages served by this node (same origin). Clients that send no {@code Origin} (servers,
 *                       mobile apps) are not affected
 */
@ConfigurationProperties("herald.edge")
public record EdgeProperties(
        @DefaultValue("") String nodeId,
        @DefaultValue Outbound outbound,
        @DefaultValue FanOut fanOut,
        @DefaultValue Recovery recovery,
        @DefaultValue Limits limits,
        @DefaultValue Drain drain,
        @DefaultValue Auth auth,
        @DefaultValue Heartbeat heartbeat,
        @DefaultValue Sse sse,
        @DefaultValue List<String> allowedOrigins) {

    public EdgeProperties {
        if (nodeId == null || nodeId.isBlank()) {
            nodeId = "edge-" + Long.toString(Double.doubleToLongBits(Math.random()) & 0xffffff, 36);
        }
    }

    /**
     * @param maxBytes frames queued for one session beyond which it is closed with 4008 (default 1 MiB, counted
     *                 in UTF-8 bytes)
     * @param maxDelay how long one frame may wait for the client to take it before 4008 (default 10 s)
     */
    public record Outbound(@DefaultValue("1048576") long maxBytes, @DefaultValue("10s") Duration maxDelay) {
    }

    /**
     * @param maxQueued messages received from pub/sub and not yet handed to sessions, beyond which new ones are
     *                  dropped (default 65536); subscriptions notice the hole by {@code prev} and read it back from
     *                  the log, so a node that falls this far behind loses nothing but time
     * @param maxBatch  messages handed to sessions in one pass (default 256); under load each session then gets
     *                  several frames in one socket write instead of one write per frame
     */
    public record FanOut(@DefaultValue("65536") int maxQueued, @DefaultValue("256") int maxBatch) {
    }

    /**
     * @param pageSize        entries read per XRANGE (default 500)
     * @param threads         threads that run catch-ups, shared by all sessions; as many long-lived Kafka
     *                        consumers read history (default 4)
     * @param perUserThreads  catch-ups of one user that run at once; the rest of that user's wait behind its own,
     *                        served in turn with other users' (default 1). A user is a token's {@code sub}; without
     *                        authentication, each connection counts as a user of its own
     * @param kafkaScanBudget records a single catch-up may scan in Kafka before it gives up with a reset
     *                        (default 500000)
     * @param kafkaTimeout    how long a Kafka catch-up may take in total (default 30 s)
     * @param retryBackoff    pause before retrying a catch-up that failed (Redis or Kafka unavailable) (default 500 ms)
     * @param maxRetries      retries of a failing catch-up before the node gives the subscription up with
     *                        {@code error unavailable} (default 20, {@code retryBackoff} apart; an attempt that
     *                        waits on an unreachable Kafka takes up to {@code kafkaTimeout} itself)
     * @param tailCheck       how often each watched channel's last position is compared with what was delivered,
     *                        to catch a silent loss of the newest messages (default 5 s; 0 disables)
     * @param layoutRefresh   how often the topic's layout ({@code <topic>.layout}: how its partition count grew) is
     *                        read again, so that a growth ({@code heraldctl topic grow}) reaches Kafka catch-ups
     *                        without a restart (default 5 s)
     */
    public record Recovery(
            @DefaultValue("500") int pageSize,
            @DefaultValue("4") int threads,
            @DefaultValue("1") int perUserThreads,
            @DefaultValue("500000") long kafkaScanBudget,
            @DefaultValue("30s") Duration kafkaTimeout,
            @DefaultValue("500ms") Duration retryBackoff,
            @DefaultValue("20") int maxRetries,
            @DefaultValue("5s") Duration tailCheck,
            @DefaultValue("5s") Duration layoutRefresh) {

        public Recovery {
            if (threads < 1 || perUserThreads < 1 || maxRetries < 0) {
                throw new IllegalArgumentException("herald.edge.recovery: threads and per-user-threads must be at"
                        + " least 1, max-retries at least 0");
            }
            if (layoutRefresh.isNegative() || layoutRefresh.isZero()) {
                throw new IllegalArgumentException("herald.edge.recovery.layout-refresh must be positive");
            }
        }
    }

    /**
     * @param maxFrameBytes         largest client frame; larger ones close the session with 1009 (default 16 KiB)
     * @param maxSubscriptions      channels one session may hold; past it the session is closed with 4009 (default 256)
     * @param subscribeTimeout      how long a subscribe may wait for the node's pub/sub confirmation (default 5 s)
     * @param maxBadFrames          refused frames (error frames other than {@code rate-limited} and
     *                              {@code unavailable}) one session may send; the next closes it with 1008 (default 20)
     * @param subscribeRate         subscribes per second a session may sustain, each channel of a {@code resume}
     *                              counting as one (token bucket refill rate, default 20)
     * @param subscribeBurst        subscribes a session may send at once (token bucket size, default 300: one
     *                              resume of a full session fits)
     * @param maxRateLimited        subscribes refused with {@code rate-limited} one session may send; the next
     *                              closes it with 4009 (default 100)
     * @param maxConnectionsPerUser WebSocket sessions plus event streams one user ({@code sub}) may hold on this
     *                              node; past it the handshake is refused with 429 (default 20)
     * @param requestHeaderTimeout  how long a client may take to send a request's line and headers (a WebSocket
     *                              handshake, an event stream's request, any HTTP request); a connection still
     *                              sending them after it is closed without an answer: slow-loris clients trickling
     *                              a header line every few seconds would otherwise hold their connection forever
     *                              (default 10 s; a request later on a kept-alive connection gets up to twice it;
     *                              0 disables)
     * @param acceptQueueSize       connections the kernel completes and holds for the node to accept, the client
     *                              port's listen backlog (default 4096; Linux caps it at {@code net.core.somaxconn}).
     *                              The JVM's own default, 50, is too short for clients reconnecting all at once
     *                              after another node failed: the kernel drops their handshakes and they retry
     *                              after 1, 3, 7 s..., so a storm of 5,000 resumes took 30 s and some gave up
     */
    public record Limits(
            @DefaultValue("16384") int maxFrameBytes,
            @DefaultValue("256") int maxSubscriptions,
            @DefaultValue("5s") Duration subscribeTimeout,
            @DefaultValue("20") int maxBadFrames,
            @DefaultValue("20") double subscribeRate,
            @DefaultValue("300") int subscribeBurst,
            @DefaultValue("100") int maxRateLimited,
            @DefaultValue("20") int maxConnectionsPerUser,
            @DefaultValue("10s") Duration requestHeaderTimeout,
            @DefaultValue("4096") int acceptQueueSize) {

        public Limits {
            if (acceptQueueSize < 1) {
                throw new IllegalArgumentException("herald.edge.limits.accept-queue-size must be at least 1");
            }
        }
    }

    /**
     * @param period    the time over which sessions are closed with 1012 on shutdown (default 5 s)
     * @param batchSize sessions closed per step (default 200)
     */
    public record Drain(@DefaultValue("5s") Duration period, @DefaultValue("200") int batchSize) {
    }

    /**
     * How clients prove who they are (docs/protocol.md, "Authentication"). Exactly one of {@code hs256Secret} and
     * {@code jwksUri} must be set unless {@code enabled} is false; the node refuses to start otherwise. Without
     * authentication the secret may still be set, for {@code devTokens}.
     *
     * @param enabled          false turns authentication and channel rights off: anyone may subscribe to
     *                         anything. For development only; logged as a WARN at startup (default true)
     * @param hs256Secret      shared secret of HS256 tokens, at least 32 bytes (default: none)
     * @param jwksUri          URL of the issuer's JSON Web Key Set, for RS/PS/ES-signed tokens (default: none)
     * @param issuer           required {@code iss}; mandatory with {@code jwksUri}, optional with a secret (default: none)
     * @param audience         required {@code aud} when set (default: none)
     * @param clockSkew        tolerance when checking {@code exp} and {@code nbf} (default 30 s)
     * @param publicNamespaces namespaces every authenticated user may subscribe to (default {@code broadcast})
     * @param devTokens        serves {@code GET /dev/token?user=<id>}, which mints an HS256 token for anyone who
     *                         asks. Never in production; logged as a WARN at startup (default false)
     * @param jwks             how the key set at {@code jwksUri} is fetched and kept
     */
    public record Auth(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("") String hs256Secret,
            @DefaultValue("") String jwksUri,
            @DefaultValue("") String issuer,
            @DefaultValue("") String audience,
            @DefaultValue("30s") Duration clockSkew,
            @DefaultValue("broadcast") List<String> publicNamespaces,
            @DefaultValue("false") boolean devTokens,
            @DefaultValue Jwks jwks) {

        /** The shortest HS256 secret accepted: the key must be as long as the hash (RFC 7518 section 3.2). */
        public static final int MIN_SECRET_BYTES = 32;

        /** Refuses, while binding (so the node stops with a clear message), settings that cannot check tokens. */
        public Auth {
            boolean secret = !hs256Secret.isEmpty();
            boolean keySet = !jwksUri.isEmpty();
            if (enabled && !secret && !keySet) {
                throw new IllegalArgumentException("no way to check tokens: set herald.edge.auth.hs256-secret or"
                        + " herald.edge.auth.jwks-uri (or, for development only, herald.edge.auth.enabled=false)");
            }
            if (secret && keySet) {
                throw new IllegalArgumentException("set one of herald.edge.auth.hs256-secret and"
                        + " herald.edge.auth.jwks-uri, not both: each token is checked one way only");
            }
            int secretBytes = hs256Secret.getBytes(StandardCharsets.UTF_8).length;
            if (secret && secretBytes < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("herald.edge.auth.hs256-secret must be at least " + MIN_SECRET_BYTES
                        + " bytes, it has " + secretBytes);
            }
            if (keySet && issuer.isEmpty()) {
                throw new IllegalArgumentException("herald.edge.auth.issuer is required with herald.edge.auth.jwks-uri:"
                        + " an issuer's keys may sign tokens for other services too");
            }
            if (devTokens && !secret) {
                throw new IllegalArgumentException("herald.edge.auth.dev-tokens=true needs herald.edge.auth.hs256-secret"
                        + " to sign with");
            }
            publicNamespaces = List.copyOf(publicNamespaces);
        }

        /**
         * How the issuer's key set is fetched and kept ({@code herald.edge.auth.jwks.*}). Tokens name their key
         * ({@code kid}): a key id the node has not seen makes it fetch the set again at once (no more often than
         * {@code refreshMinInterval}), so a key the issuer adds is accepted as soon as it is published.
         *
         * @param cacheTtl           how long a fetched set is used before it is fetched again, so a key the issuer
         *                           removed is refused at the latest this long after (default 5 min)
         * @param refreshMinInterval the shortest time between two fetches, however many tokens name an unknown key:
         *                           tokens cannot make the node hammer the issuer (default 30 s; less than
         *                           {@code cacheTtl})
         * @param outageTolerance    while the set cannot be fetched, the keys fetched before stay accepted this
         *                           long past {@code cacheTtl}; a token naming any other key is refused. 0: every
         *                           JWKS token is refused (503 {@code keys-unavailable}) once the cache expired
         *                           (default 1 h)
         */
        public record Jwks(@DefaultValue("5m") Duration cacheTtl, @DefaultValue("30s") Duration refreshMinInterval,
                @DefaultValue("1h") Duration outageTolerance) {

            public Jwks {
                if (cacheTtl.isNegative() || cacheTtl.isZero() || refreshMinInterval.isNegative()
                        || refreshMinInterval.compareTo(cacheTtl) >= 0 || outageTolerance.isNegative()) {
                    throw new IllegalArgumentException("herald.edge.auth.jwks: cache-ttl must be positive, "
                            + "refresh-min-interval at least 0 and less than cache-ttl, outage-tolerance at least 0");
                }
            }
        }
    }

    /**
     * @param interval how often the node pings each WebSocket peer (default 25 s)
     * @param timeout  a peer from which nothing (no frame, no pong) arrived for this long is closed with 4000
     *                 (default 60 s)
     */
    public record Heartbeat(@DefaultValue("25s") Duration interval, @DefaultValue("60s") Duration timeout) {
    }

    /**
     * @param heartbeat   how often an idle event stream gets a {@code : ping} comment, so that proxies keep it
     *                    open and a vanished client is noticed (default 15 s)
     * @param maxChannels channels one event stream may name; each event id carries all of their positions
     *                    (default 64)
     */
    public record Sse(@DefaultValue("15s") Duration heartbeat, @DefaultValue("64") int maxChannels) {
    }
}
