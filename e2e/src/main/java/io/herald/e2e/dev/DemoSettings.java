package io.herald.e2e.dev;

import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.HeraldSystem.Service;
import java.util.List;

/**
 * What makes a running system usable from the demo page that an edge serves: the edge mints dev tokens for any
 * user ({@code GET /dev/token?user=<id>}, signed with {@code devSecret}), and ingest accepts cross-origin posts
 * from the page's origins, since the page (on the edge's port) posts to ingest (on its own). For the dev mode and
 * for the browser test, never for production.
 *
 * @param devSecret the HS256 secret the edge signs and checks dev tokens with
 * @param edgePort  the port the page is served from (both {@code 127.0.0.1} and {@code localhost} are allowed)
 */
public record DemoSettings(String devSecret, int edgePort) {

    /** {@code settings} with the dev-token arguments for the edges and the CORS argument for ingest. */
    public HeraldSystem.Settings applyTo(HeraldSystem.Settings settings) {
        return settings
                .withArgs(Service.EDGE, "--herald.edge.auth.dev-tokens=true", "--herald.edge.auth.hs256-secret=" + devSecret)
                .withArgs(Service.INGEST, "--herald.ingest.cors.allowed-origins=" + String.join(",", pageOrigins()));
    }

    public List<String> pageOrigins() {
        return List.of("http://127.0.0.1:" + edgePort, "http://localhost:" + edgePort);
    }
}
