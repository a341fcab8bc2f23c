package io.herald.dispatcher.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Dedicated Redis connections for applying batches, lent to one thread at a time. A borrower owns the
 * connection until it gives it back, so it may turn automatic flushing off, queue a whole batch of commands
 * and flush them in one write: many EVALSHA calls then cost about one system call instead of one each.
 * Connections are opened on demand (one per concurrent listener thread in practice) and kept: Lettuce
 * reconnects them by itself after Redis comes back.
 */
public final class RedisConnections implements AutoCloseable {

    private final RedisClient client;
    private final RedisURI uri;
    private final Deque<StatefulRedisConnection<String, String>> idle = new ConcurrentLinkedDeque<>();
    private final Set<StatefulRedisConnection<String, String>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public RedisConnections(RedisClient client, RedisURI uri) {
        this.client = client;
        this.uri = uri;
    }

    /**
     * An idle connection, or a new one (which throws {@link io.lettuce.core.RedisConnectionException} while
     * Redis is unreachable). Automatic flushing is off: call {@code flushCommands()} after queueing.
     */
    public StatefulRedisConnection<String, String> borrow() {
        if (closed) {
            throw new IllegalStateException("redis connections are closed");
        }
        StatefulRedisConnection<String, String> connection = idle.pollFirst();
        if (connection != null) {
            return connection;
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
    }
}
