package io.herald.e2e.support;

import io.herald.e2e.system.HeraldSystem;
import io.herald.testkit.support.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Whole systems for tests: free ports, a fresh work directory under target/. */
public final class Systems {

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
                    edgePorts, "herald.notifications", 3));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
