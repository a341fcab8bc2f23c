package io.herald.edge.sse;

import io.herald.core.channel.ChannelName;
import io.herald.core.channel.InvalidChannelException;
import io.herald.core.position.Position;
import io.herald.core.resume.InvalidResumeTokenException;
import io.herald.core.resume.ResumeToken;
import io.herald.edge.auth.ChannelAccess;
import io.herald.edge.auth.Identity;
import io.herald.edge.connection.ConnectionGate;
import io.herald.edge.connection.SessionRegistry;
import io.herald.edge.delivery.ChannelSubscription;
import io.herald.edge.delivery.SubscriptionService;
import io.herald.edge.http.HttpProblem;
import io.herald.edge.protocol.ErrorCode;
import io.herald.edge.protocol.ServerFrames;
import io.herald.edge.settings.EdgeProperties;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /sse?channel=a&channel=b}: the channels as Server-Sent Events, for clients that cannot speak
 * WebSocket. Same token, same rights, same subscriptions as {@code /ws}; a reconnecting EventSource's
 * {@code Last-Event-ID} (or a {@code last-event-id} query parameter, for a client that opens a new EventSource
 * with a new token) resumes every channel from its position, gaplessly.
 *
 * <p>Refusals before the stream starts are problem documents: 400 (bad channel list or resume token), 401, 403
 * (no channel allowed), 429. Once streaming, a forbidden channel is an {@code error} event and the rest flow.
 */
final class SseServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(SseServlet.class);

    private final transient ConnectionGate gate;
    private final transient ChannelAccess access;
    private final transient SubscriptionService subscriptions;
    private final transient SessionRegistry registry;
    private final transient ServerFrames frames;
    private final transient HttpProblem problems;
    private final transient EdgeProperties properties;
    private final transient MeterRegistry meters;

    SseServlet(ConnectionGate gate, ChannelAccess access, SubscriptionService subscriptions, SessionRegistry registry,
            ServerFrames frames, HttpProblem problems, EdgeProperties properties, MeterRegistry meters) {
        this.gate = gate;
        this.access = access;
        this.subscriptions = subscriptions;
        this.registry = registry;
        this.frames = frames;
        this.problems = problems;
        this.properties = properties;
        this.meters = meters;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Identity identity = gate.admit(request, response);
        if (identity == null) {
            return;
        }
        Set<ChannelName> channels = channels(request, response);
        if (channels == null) {
            return;
        }
        Map<ChannelName, Position> resume = resumePositions(request, response);
        if (resume == null) {
            return;
        }
        List<ChannelName> allowed = new ArrayList<>();
        List<ChannelName> forbidden = new ArrayList<>();
        for (ChannelName channel : channels) {
            (access.allows(identity, channel) ? allowed : forbidden).add(channel);
        }
        if (allowed.isEmpty()) {
            ObjectNode extra = problems.object();
            ArrayNode names = extra.putArray("channels");
            forbidden.forEach(channel -> names.add(channel.value()));
            problems.write(response, 403, "forbidden", "this token allows none of the channels", extra);
            return;
        }

        SseStream[] holder = new SseStream[1];
        SseStream stream = new SseStream(UUID.randomUUID().toString(), identity, frames,
                properties.outbound().maxBytes(), properties.outbound().maxDelay().toNanos(),
                properties.sse().heartbeat().toNanos(), reason -> endLater(holder[0], reason));
        holder[0] = stream;
        if (!registry.add(stream)) {
            problems.tooManyConnections(response);
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no"); // tells nginx-like proxies not to buffer the stream
        try {
            AsyncContext async = request.startAsync();
            async.setTimeout(0); // the stream lives until the client, the token or the node ends it
            stream.start(async);
        } catch (IOException | RuntimeException e) {
            registry.remove(stream);
            throw e;
        }

        stream.send(frames.welcome(properties.nodeId(), stream.id()));
        for (ChannelName channel : forbidden) {
            stream.send(frames.error(ErrorCode.FORBIDDEN, "this token does not allow " + channel, channel));
        }
        for (ChannelName channel : allowed) {
            Position since = resume.get(channel);
            if (since != null) {
                stream.seed(channel, since);
            }
        }
        subscribe(stream, allowed, resume);
    }

    private void subscribe(SseStream stream, List<ChannelName> channels, Map<ChannelName, Position> resume) {
        for (ChannelName channel : channels) {
            ChannelSubscription subscription = subscriptions.create(channel, resume.get(channel), stream);
            if (!stream.track(subscription)) {
                break;
            }
            try {
                subscriptions.start(subscription);
            } catch (SubscriptionService.SubscribeFailedException e) {
                log.warn("subscribe failed channel={} stream={} error=\"{}\"", channel, stream.id(), e.getCause());
                // an EventSource cannot retry one channel: end the stream, and its reconnect resumes them all
                stream.send(frames.error(ErrorCode.UNAVAILABLE, "the node cannot subscribe right now; reconnecting", channel));
                stream.finish("unavailable");
                break;
            }
        }
        if (stream.hasEnded()) {
            // ended while subscribing: a subscription started after the cleanup would stay with the node
            stream.subscriptions().forEach(subscriptions::stop);
        }
    }

    /**
     * Cleans up off the calling thread: a stream may end inside a subscription's delivery (a slow client), where
     * stopping subscriptions, which takes their locks, must not happen.
     */
    private void endLater(SseStream stream, String reason) {
        try {
            registry.io().execute(() -> ended(stream, reason));
        } catch (RejectedExecutionException e) {
            ended(stream, reason); // the node is stopping: nothing is delivered any more
        }
    }

    private void ended(SseStream stream, String reason) {
        registry.remove(stream);
        stream.subscriptions().forEach(subscriptions::stop);
        meters.counter("herald.edge.sse.closed", "reason", reason).increment();
        log.debug("event stream ended stream={} user={} reason={}", stream.id(), stream.identity().subject(), reason);
    }

    private Set<ChannelName> channels(HttpServletRequest request, HttpServletResponse response) {
        String[] values = request.getParameterValues("channel");
        if (values == null || values.length == 0) {
            problems.write(response, 400, "missing-channel", "name at least one channel: /sse?channel=<channel>", null);
            return null;
        }
        if (values.length > properties.sse().maxChannels()) {
            problems.write(response, 400, "too-many-channels", "at most " + properties.sse().maxChannels()
                    + " channels per stream", null);
            return null;
        }
        Set<ChannelName> channels = new LinkedHashSet<>();
        for (String value : values) {
            try {
                channels.add(ChannelName.parse(value));
            } catch (InvalidChannelException e) {
                problems.write(response, 400, ErrorCode.INVALID_CHANNEL.wire(), e.getMessage(), null);
                return null;
            }
        }
        return channels;
    }

    /** Positions to resume from: the Last-Event-ID header (EventSource's own reconnects) or query parameter. */
    private Map<ChannelName, Position> resumePositions(HttpServletRequest request, HttpServletResponse response) {
        String token = request.getHeader("Last-Event-ID");
        if (token == null || token.isBlank()) {
            token = request.getParameter("last-event-id");
        }
        if (token == null || token.isBlank()) {
            return Map.of();
        }
        try {
            return ResumeToken.decode(token.trim()).positions();
        } catch (InvalidResumeTokenException e) {
            problems.write(response, 400, ErrorCode.INVALID_TOKEN.wire(), "Last-Event-ID: " + e.getMessage(), null);
            return null;
        }
    }
}
