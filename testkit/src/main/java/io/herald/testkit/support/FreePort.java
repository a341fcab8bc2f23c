package io.herald.testkit.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks a free TCP port on the loopback interface. Internal to the testkit.
 *
 * <p>The port is free when this returns; another process may still take it before the caller binds it,
 * which is why the servers that use this retry once or twice on a bind failure.
 */
public final class FreePort {

    private FreePort() {
    }

    /**
     * A free port below {@code limit} (exclusive), for servers that also listen on a derived port (a Redis
     * cluster node's bus is its port + 10000).
     */
    public static int pickBelow(int limit) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = pick();
            if (port < limit) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port below " + limit);
    }

    /** A port that nothing listens on at 127.0.0.1 right now. */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
