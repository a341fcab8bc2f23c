package io.herald.edge.support;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An identity provider's key set endpoint on a real local socket (the JDK's HTTP server): publishes the public
 * half of the keys it is given, can change them (rotation) and can fail (an outage: 503 to every request), and
 * counts the requests, so a test knows when the edge asked.
 */
public final class JwksServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicReference<String> published = new AtomicReference<>(new JWKSet().toString());
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger requests = new AtomicInteger();

    private JwksServer(HttpServer server) {
        this.server = server;
    }

    public static JwksServer start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JwksServer jwks = new JwksServer(server);
        server.createContext("/jwks.json", exchange -> {
            jwks.requests.incrementAndGet();
            byte[] body = jwks.down.get() ? "down".getBytes(StandardCharsets.UTF_8)
                    : jwks.published.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", jwks.down.get() ? "text/plain" : "application/json");
            exchange.sendResponseHeaders(jwks.down.get() ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return jwks;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    }

    /** From now on the set holds the public half of exactly these keys. */
    public void publish(JWK... keys) {
        published.set(new JWKSet(List.of(keys).stream().map(JWK::toPublicJWK).toList()).toString());
    }

    /** {@code true}: every request gets a 503 until {@code false}. */
    public void down(boolean down) {
        this.down.set(down);
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
