package io.herald.bench.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thousands of WebSocket connections on a few Netty event-loop threads (one by default, like the peers' Node
 * generator): a connection costs a socket and a few hundred bytes of state, not a thread or an HTTP client.
 */
public final class WsClients implements AutoCloseable {

    private static final int MAX_FRAME = 1 << 20;

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Protocol protocol;
    private final long connectTimeoutMillis;
    /** One receive buffer per event-loop thread, not per connection: 20,000 idle clients must stay cheap. */
    private final ThreadLocal<byte[][]> buffers = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});

    public WsClients(Protocol protocol, int ioThreads, long connectTimeoutMillis) {
        this.protocol = protocol;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeoutMillis);
    }

    /**
     * Connects every client, at most {@code concurrency} handshakes in flight, and waits until each is ready (or
     * failed); returns how many failed.
     */
    public int connectAll(List<BenchClient> clients, int concurrency) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<?>[] all = new CompletableFuture<?>[clients.size()];
        for (int i = 0; i < clients.size(); i++) {
            slots.acquire();
            CompletableFuture<Void> ready = connect(clients.get(i))
                    .orTimeout(connectTimeoutMillis, TimeUnit.MILLISECONDS);
            all[i] = ready.whenComplete((ok, error) -> {
                slots.release();
                if (error != null) {
                    failed.incrementAndGet();
                }
            });
        }
        try {
            CompletableFuture.allOf(all).join();
        } catch (RuntimeException e) {
            // counted per client above
        }
        return failed.get();
    }

    /** Opens (or reopens) the client's connection; the future completes when the protocol says it is ready. */
    public CompletableFuture<Void> connect(BenchClient client) {
        client.rearm();
        CompletableFuture<Void> ready = client.ready();
        URI uri = protocol.uri(client);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(MAX_FRAME)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(connectTimeoutMillis)
                .build();
        ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                        new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(MAX_FRAME),
                        new Handler(client, ready));
            }
        }).connect(uri.getHost(), port);
        client.attach(connecting.channel());
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
            }
        });
        return ready;
    }

    /** Drops the connection without a close handshake, as a lost network or a killed app would. */
    public void drop(BenchClient client) {
        Channel socket = client.socket();
        if (socket != null) {
            socket.close();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {

        private final BenchClient client;
        /** This connection's readiness: a late event of a dropped connection must not fail the next one's. */
        private final CompletableFuture<Void> ready;

        Handler(BenchClient client, CompletableFuture<Void> ready) {
            this.client = client;
            this.ready = ready;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                protocol.opened(client);
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                ready.completeExceptionally(new IllegalStateException("handshake timeout"));
                ctx.close();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame) {
                ByteBuf content = frame.content();
                int length = content.readableBytes();
                byte[][] holder = buffers.get();
                if (length > holder[0].length) {
                    holder[0] = new byte[Math.max(length, holder[0].length * 2)];
                }
                byte[] buffer = holder[0];
                content.getBytes(content.readerIndex(), buffer, 0, length);
                protocol.text(client, buffer, length);
            } else if (frame instanceof CloseWebSocketFrame close) {
                client.closeCode(close.statusCode());
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            ready.completeExceptionally(new IllegalStateException("closed before ready, code "
                    + client.closeCode()));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(cause);
            ctx.close();
        }
    }
}
