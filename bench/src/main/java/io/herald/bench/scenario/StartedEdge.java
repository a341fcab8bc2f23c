package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import io.herald.testkit.redis.RedisCluster;
import io.herald.testkit.redis.RedisDeployment;
import io.herald.testkit.redis.RedisServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The edge and its Redis, started by the scenario when {@code --start '<edge command>'} is given: first the Redis
 * (testkit: one redis-server, or with {@code --cluster true} a Redis Cluster of three primaries with a replica each),
 * then the edge command (a shell command, so that run.sh can pin it with taskset) with the arguments that point it at
 * that Redis appended ({@code --spring.data.redis.url}, or {@code --spring.data.redis.cluster.nodes}, which makes the
 * edge SSUBSCRIBE per shard). Both topologies take this one path, so a run on a cluster differs from its one-node
 * counterpart in the Redis only. {@code --redis-cpus} pins the redis-servers (they inherit the generator's pin);
 * {@code --log} takes the edge's output. The edge's topic is made by {@link EdgeTopic}.
 */
final class StartedEdge implements AutoCloseable {

    private final RedisDeployment redis;
    private final String redisUrl;
    private final List<Long> redisPids;
    private final String log;
    private Process edge;

    private StartedEdge(RedisDeployment redis, String redisUrl, List<Long> redisPids, String log) {
        this.redis = redis;
        this.redisUrl = redisUrl;
        this.redisPids = redisPids;
        this.log = log;
    }

    /** Starts them when {@code --start} is given; null otherwise (the caller started the server and Redis). */
    static StartedEdge startIfAsked(Options options) throws IOException, InterruptedException {
        String command = options.string("start", "");
        boolean cluster = options.string("cluster", "false").equals("true");
        String cpus = options.string("redis-cpus", "");
        String log = options.string("log", "bench/target/edge.log");
        if (command.isBlank()) {
            return null;
        }
        URI url = URI.create(options.string("url", "ws://127.0.0.1:8081/ws"));
        StartedEdge started;
        if (cluster) {
            RedisCluster nodes = RedisCluster.start();
            started = new StartedEdge(nodes, nodes.nodes().get(0).url(),
                    nodes.nodes().stream().map(RedisServer::pid).toList(), log);
        } else {
            RedisServer server = RedisServer.start();
            started = new StartedEdge(server, server.url(), List.of(server.pid()), log);
        }
        try {
            if (!cpus.isBlank()) {
                for (long pid : started.redisPids) {
                    run("taskset", "-apc", cpus, Long.toString(pid));
                }
            }
            List<String> argv = new ArrayList<>(List.of("bash", "-c", "exec " + command + " "
                    + String.join(" ", started.redis.springArgs())));
            started.edge = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(new File(log)).start();
            awaitPort(started.edge, url.getHost(), url.getPort(), log);
            return started;
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /**
     * Throws when the edge has exited: an edge that fails to start (a port taken) may listen on its client port for a
     * moment first.
     */
    void requireRunning() throws IOException {
        if (!edge.isAlive()) {
            throw new IOException("the edge exited with " + edge.exitValue() + "; see " + log);
        }
    }

    /** The edge's process ID (the command exec's into java). */
    long edgePid() {
        return edge.pid();
    }

    /** A URL of the Redis: the server, or on a cluster one of its nodes (a seed: any node leads to the others). */
    String redisUrl() {
        return redisUrl;
    }

    /** Every redis-server process, primaries and replicas. */
    List<Long> redisPids() {
        return redisPids;
    }

    private static void awaitPort(Process edge, String host, int port, String log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!edge.isAlive()) {
                throw new IOException("the edge exited with " + edge.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("the edge did not listen on " + host + ":" + port + " within 120 s; see " + log);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("failed: " + String.join(" ", command));
        }
    }

    /** Stops the edge (SIGTERM: it drains its sessions, which the generator has closed already), then the Redis. */
    @Override
    public void close() throws InterruptedException {
        if (edge != null) {
            edge.destroy();
            if (!edge.waitFor(30, TimeUnit.SECONDS)) {
                edge.destroyForcibly();
                edge.waitFor(10, TimeUnit.SECONDS);
            }
        }
        redis.close();
    }
}
