package io.herald.e2e.support;

import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.auth.TestTokens;
import io.herald.testkit.support.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Whole systems for tests: free ports, a fresh work directory under target/, edges checking test tokens. */
public final class Systems {

    private static final TestTokens TOKENS = new TestTokens(TestTokens.SECRET);

    private Systems() {
    }

    public static HeraldSystem start(String name, int edges) {
        try {
            Path root = Path.of(System.getProperty("herald.root", "..")).toAbsolutePath().normalize();
            Path work = Files.createTempDirectory(root.resolve("e2e").resolve("target"), name + "-");
            List<Integer> edgePorts = new ArrayList<>();
            for (int i = 0; i < edges; i++) {
                edgePorts.add(FreePort.pick());
            }
            return HeraldSystem.start(new HeraldSystem.Settings(root, work, 0, FreePort.pick(), FreePort.pick(),
                    edgePorts, "herald.notifications", 3)
                    .withArgs(HeraldSystem.Service.EDGE, "--herald.edge.auth.hs256-secret=" + TestTokens.SECRET));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The edge's WebSocket URL with a token for {@code user} (user:{user} is always allowed; broadcast is public). */
    public static URI ws(HeraldSystem system, int edge, String user) {
        return URI.create(system.edgeWs(edge) + "?access_token=" + TOKENS.token(user));
    }
}
