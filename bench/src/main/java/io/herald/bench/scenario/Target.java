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
 * ({@code --channels broadcast}), or on a few ({@code --channels broadcast --channel-count N}: client {@code i} on
 * channel {@code i % N}); the peers have one broadcast channel only. Herald's channels are spread evenly over the
 * three shards of a Redis Cluster ({@link ShardSpread}); with {@code --cluster true} the feed applies each message
 * on the primary of its channel's slot, with SPUBLISH.
 */
public final class Target {

    private final String name;
    private final String feed;
    private final boolean perUser;
    private final boolean cluster;
    private final Protocol protocol;
    private final List<ChannelName> channels;
    private final Options options;
    private final String redisUrl;
    private final String runId;

    /** @param redisUrl Redis (on a cluster: any node of it), when the scenario started it; null: {@code --redis} */
    public Target(Options options, int clients, String redisUrl) {
        this.options = options;
        this.name = options.string("target", "herald");
        this.redisUrl = redisUrl != null ? redisUrl : options.string("redis", "redis://127.0.0.1:6390");
        this.cluster = options.string("cluster", "false").equals("true");
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
        int channelCount = perUser ? clients : options.integer("channel-count", 1);
        if (channelCount < 1 || (!perUser && channelCount > 1 && !name.equals("herald"))) {
            throw new IllegalArgumentException("--channel-count: at least 1, and more than 1 for herald only");
        }
        if (cluster && !name.equals("herald")) {
            throw new IllegalArgumentException("--cluster true: herald only");
        }
        this.feed = name.equals("herald") ? options.string("feed", "redis") : "redis";
        this.protocol = switch (name) {
            case "herald" -> new HeraldProtocol(URI.create(url), emptyToNull(options.string("token", "")));
            case "a" -> new PlainWsProtocol(URI.create(url));
            default -> new SocketIoProtocol(URI.create(url));
        };
        this.channels = channelCount == 1 && !perUser ? List.of(ChannelName.parse("broadcast:" + runId))
                : ShardSpread.names((perUser ? "user:" : "broadcast:") + runId, channelCount, CLUSTER_SHARDS);
    }

    /** The primaries of the testkit's Redis Cluster, which {@code --cluster true} starts. */
    static final int CLUSTER_SHARDS = 3;

    public String name() {
        return name;
    }

    public String feed() {
        return feed;
    }

    public boolean perUser() {
        return perUser;
    }

    public int channelCount() {
        return channels.size();
    }

    public boolean cluster() {
        return cluster;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The channel client {@code i} listens to: per user its own, else channel {@code i % channels}. */
    public String channelOf(int client) {
        return channels.get(client % channels.size()).value();
    }

    /** The channel index of message {@code seq}: messages go round the channels. */
    public int channelOfSeq(long seq) {
        return (int) (seq % channels.size());
    }

    /**
     * Receipts of client {@code i}: it expects the seqs of its channel, {@code i % channels + k * channels} (per user:
     * {@code i, i + clients, ...}; one broadcast channel: all).
     */
    public int stride() {
        return channels.size();
    }

    public int offsetOf(int client) {
        return client % channels.size();
    }

    public Publisher publisher(int bodyBytes) {
        BenchEnvelopes envelopes = new BenchEnvelopes(runId, bodyBytes);
        return switch (name) {
            case "herald" -> feed.equals("kafka")
                    ? new KafkaPublisher(options.string("kafka", "127.0.0.1:9092"),
                            options.string("topic", "herald.notifications"), channels, envelopes,
                            options.integer("linger-ms", 0))
                    : new HeraldRedisPublisher(redisUrl, cluster, channels, envelopes);
            case "a" -> new RedisPubSubPublisher(redisUrl, "notifications", bodyBytes);
            default -> new SocketIoStreamPublisher(redisUrl, bodyBytes);
        };
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
