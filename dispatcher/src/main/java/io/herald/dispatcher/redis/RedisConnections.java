package io.herald.dispatcher.redis;

import io.herald.redis.RedisClientFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Dedicated Redis connections for applying batches, lent to one thread at a time. A borrower owns the
 * connection until it gives it back, so it may turn automatic flushing off, queue a whole batch of commands
 * and flush them in one write: many EVALSHA calls then cost about one system call instead of one each.
 * Connections are opened on demand (one per concurrent listener thread in practice) and kept until they fail.
 *
 * <p>They never reconnect by themselves: a connection talks to one server process for its whole life. With
 * automatic reconnection Lettuce would resend commands that were in flight when the connection dropped, to
 * whatever server answers the address after it came back (a replica that took over, an empty restart), before
 * the dispatcher could check which dataset that is ({@code DatasetGuard}). A failed connection is closed when it
 * is given back, and the next borrower opens a new one.
 */
public final class RedisConnections implements AutoCloseable {

    private final RedisClient client;
    private final boolean ownsClient;
    private final RedisURI uri;
    private final Deque<StatefulRedisConnection<String, String>> idle = new ConcurrentLinkedDeque<>();
    private final Set<StatefulRedisConnection<String, String>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** On a client the caller owns and configures (benchmarks, tests). */
    public RedisConnections(RedisClient client, RedisURI uri) {
        this(client, false, uri);
    }

    private RedisConnections(RedisClient client, boolean ownsClient, RedisURI uri) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.uri = uri;
    }

    /**
     * Connections to the endpoint's one primary, on a client of their own which never reconnects (shut down with
     * {@link #close()}).
     *
     * @param timeout connect timeout and per-command timeout
     */
    public static RedisConnections create(RedisClientFactory clients, Duration timeout) {
        RedisURI uri = clients.endpoint().uri();
        // Lettuce waits for a new connection's handshake as long as the URI says (60 s unless set): a server that
        // accepts but does not answer would hold the batch that long
        uri.setTimeout(timeout);
        return new RedisConnections(clients.client(RedisClientFactory.Timeouts.of(timeout), false), true, uri);
    }

    /**
     * An idle connection, or a new one (which throws {@link io.lettuce.core.RedisConnectionException} while
     * Redis is unreachable). Automatic flushing is off: call {@code flushCommands()} after queueing.
     */
    public StatefulRedisConnection<String, String> borrow() {
        if (closed) {
            throw new IllegalStateException("redis connections are closed");
        }
        StatefulRedisConnection<String, String> connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.isOpen()) {
                return connection;
            }
            open.remove(connection);
            connection.close();
        }
        connection = client.connect(uri);
        connection.setAutoFlushCommands(false);
        open.add(connection);
        return connection;
    }

    public void release(StatefulRedisConnection<String, String> connection) {
        if (closed || !connection.isOpen()) {
            open.remove(connection);
            connection.close();
            return;
        }
        idle.offerFirst(connection);
    }

    @Override
    public void close() {
        closed = true;
        open.forEach(StatefulRedisConnection::close);
        open.clear();
        idle.clear();
        if (ownsClient) {
            client.shutdown();
        }
    }
}
