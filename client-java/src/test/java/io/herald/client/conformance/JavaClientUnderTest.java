package io.herald.client.conformance;

import io.herald.client.ChannelListener;
import io.herald.client.HeraldClient;
import io.herald.client.HeraldError;
import io.herald.client.HeraldMetrics;
import io.herald.client.Message;
import io.herald.client.Reset;
import io.herald.client.TokenPlacement;
import io.herald.client.position.InMemoryPositionStore;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The Java client ({@link HeraldClient}) under the conformance scenarios, in this JVM. */
final class JavaClientUnderTest implements ClientUnderTest {

    private final ClientConfig config;
    private final Observed observed = new Observed();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(1);
    private final HeraldClient client;

    JavaClientUnderTest(ClientConfig config) {
        this.config = config;
        InMemoryPositionStore store = new InMemoryPositionStore();
        config.positions().forEach(store::put);
        HeraldClient.Builder builder = HeraldClient.builder()
                .edges(config.edges())
                .token(config.tokens())
                .positions(store)
                .metrics(new HeraldMetrics() {
                    @Override
                    public void connected(URI edge, String node) {
                        observed.connected(edge);
                    }

                    @Override
                    public void disconnected(int code) {
                        observed.disconnected(code);
                    }

                    @Override
                    public void reconnectAttempt(URI edge, int attempt) {
                        observed.attempt(edge);
                    }
                })
                .onError(error -> observed.error(error.code(), error.channel()))
                .backoff(ClientConfig.INITIAL_BACKOFF, ClientConfig.MAX_BACKOFF);
        if (config.handshakeTimeout() != null) {
            builder.handshakeTimeout(config.handshakeTimeout());
        }
        if (config.refreshBefore() != null) {
            builder.refreshBeforeExpiry(config.refreshBefore());
        }
        // config.ownSilenceDetection() stays on here: the heartbeat runs on the listener's thread, so it cannot beat
        // the edge's close while a listener blocks, and it is the only thing that notices a connection cut in the
        // middle of a frame, which the JDK's WebSocket may never report (client-java/README.md, behaviour table)
        if (config.tokenInQuery()) {
            builder.tokenPlacement(TokenPlacement.QUERY);
        }
        this.client = builder.build();
    }

    @Override
    public void subscribe(String channel) {
        client.subscribe(channel, new ChannelListener() {
            @Override
            public void onMessage(Message message) {
                int n = message.data().path("n").asInt();
                observed.message(channel, n, message.position());
                ClientConfig.BlockOn block = config.blockOn();
                if (block != null && block.channel().equals(channel) && block.n() == n) {
                    blocked.countDown();
                    try {
                        release.await(); // the application is stuck: the client reads nothing meanwhile
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onReset(Reset reset) {
                observed.reset(channel, reset.reason());
            }

            @Override
            public void onError(HeraldError error) {
                observed.channelError(channel, error.code());
            }
        });
    }

    @Override
    public void connect() {
        client.connect();
    }

    @Override
    public Optional<String> position(String channel) {
        return client.position(channel);
    }

    @Override
    public String state() {
        return client.state().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void release() {
        release.countDown();
    }

    @Override
    public boolean blocked() {
        return blocked.getCount() == 0;
    }

    @Override
    public Observed observed() {
        return observed;
    }

    @Override
    public void close() {
        release.countDown();
        client.close();
    }
}
