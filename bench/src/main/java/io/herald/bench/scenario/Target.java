package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import io.herald.bench.client.HeraldProtocol;
import io.herald.bench.client.PlainWsProtocol;
import io.herald.bench.client.Protocol;
import io.herald.bench.client.SocketIoProtocol;
import io.herald.bench.publish.BenchEnvelopes;
import io.herald.bench.publish.HeraldRedisPublisher;
import io.herald.bench.publish.KafkaPublisher;
import io.herald.bench.publish.Publisher;
import io.herald.bench.publish.RedisPubSubPublisher;
import io.herald.bench.publish.SocketIoStreamPublisher;
import io.herald.core.channel.ChannelName;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The system under test and how the generator talks to it:
 * <ul>
 * <li>{@code herald}: the edge at {@code --url ws://host:port/ws}, fed straight into Redis with the apply script
 *     ({@code --feed redis}, Herald's fan-out path, comparable to the peers) or through Kafka ({@code --feed kafka},
 *     end to end: the dispatcher applies);</li>
 * <li>{@code a}: peer A, a plain WebSocket at {@code --url ws://host:port}, fed with PUBLISH;</li>
 * <li>{@code b}: peer B, Socket.IO at {@code --url ws://host:port}, fed with XADD to its adapter's stream.</li>
 * </ul>
 * Herald can give every client a channel of its own ({@code --channels user}) or put all on one
 * ({@code --channels broadcast}); the peers have one broadcast channel only.
 */
public final class Target {

    private final String name;
    private final String feed;
    private final boolean perUser;
    private final int clients;
    private final Protocol protocol;
    private final List<ChannelName> channels;
    private final Options options;
    private final String redisUrl;
    private final String runId;

    public Target(Options options, int clients) {
        this.options = options;
        this.clients = clients;
        this.name = options.string("target", "herald");
        this.redisUrl = options.string("redis", "redis://127.0.0.1:6390");
        this.runId = options.string("run-id", "r" + Long.toString(System.currentTimeMillis(), 36));
        String url = options.string("url", switch (name) {
            case "herald" -> "ws://127.0.0.1:8081/ws";
            case "a" -> "ws://127.0.0.1:8081";
            case "b" -> "ws://127.0.0.1:8082";
            default -> throw new IllegalArgumentException("--target must be herald, a or b, not " + name);
        });
        String mode = options.string("channels", "user");
        if (!mode.equals("user") && !mode.equals("broadcast")) {
            throw new IllegalArgumentException("--channels must be user or broadcast");
        }
        if (!name.equals("herald") && mode.equals("user")) {
            throw new IllegalArgumentException("peer " + name + " has one broadcast channel only: use --channels broadcast");
        }
        this.perUser = mode.equals("user");
        this.feed = name.equals("herald") ? options.string("feed", "redis") : "redis";
        this.protocol = switch (name) {
            case "herald" -> new HeraldProtocol(URI.create(url), emptyToNull(options.string("token", "")));
            case "a" -> new PlainWsProtocol(URI.create(url));
            default -> new SocketIoProtocol(URI.create(url));
        };
        this.channels = new ArrayList<>();
        if (perUser) {
            for (int i = 0; i < clients; i++) {
                channels.add(ChannelName.parse("user:" + runId + "-" + i));
            }
        } else {
            channels.add(ChannelName.parse("broadcast:" + runId));
        }
    }

    public String name() {
        return name;
    }

    public String feed() {
        return feed;
    }

    public boolean perUser() {
        return perUser;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The channel client {@code i} listens to. */
    public String channelOf(int client) {
        return channels.get(perUser ? client : 0).value();
    }

    /** The channel index of message {@code seq}: per user, messages go round the clients. */
    public int channelOfSeq(long seq) {
        return perUser ? (int) (seq % clients) : 0;
    }

    /** Receipts of client {@code i}: per user it expects the seqs {@code i, i + clients, ...}; broadcast, all. */
    public int stride() {
        return perUser ? clients : 1;
    }

    public int offsetOf(int client) {
        return perUser ? client : 0;
    }

    public Publisher publisher(int bodyBytes) {
        BenchEnvelopes envelopes = new BenchEnvelopes(runId, bodyBytes);
        return switch (name) {
            case "herald" -> feed.equals("kafka")
                    ? new KafkaPublisher(options.string("kafka", "127.0.0.1:9092"),
                            options.string("topic", "herald.notifications"), channels, envelopes,
                            options.integer("linger-ms", 0))
                    : new HeraldRedisPublisher(redisUrl, channels, envelopes);
            case "a" -> new RedisPubSubPublisher(redisUrl, "notifications", bodyBytes);
            default -> new SocketIoStreamPublisher(redisUrl, bodyBytes);
        };
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
