package io.herald.e2e.dev;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Checks the dev mode's fixed ports before starting anything, so a second dev mode fails with a clear message. */
final class Ports {

    private Ports() {
    }

    /** The ports among {@code ports} that something on this machine already listens on (loopback). */
    static List<String> busy(int... ports) {
        List<String> busy = new ArrayList<>();
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                busy.add(String.valueOf(port));
            }
        }
        return busy;
    }
}
