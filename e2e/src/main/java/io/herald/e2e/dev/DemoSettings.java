package io.herald.e2e.dev;

import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.HeraldSystem.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * What makes a running system usable from the demo page that an edge serves: the edge mints dev tokens for any
 * user ({@code GET /dev/token?user=<id>}, signed with {@code devSecret}), and ingest accepts cross-origin posts
 * from the page's origins, since the page (on the edge's port) posts to ingest (on its own), without API keys,
 * since a page in a browser cannot keep one secret. For the dev mode and for the browser test, never for
 * production.
 *
 * <p>The edge reads the secret from an owner-only properties file in the system's work directory, never from its
 * command line, which every user of the machine can read ({@code ps}, {@code /proc/<pid>/cmdline}).
 *
 * @param devSecret       the HS256 secret the edge signs and checks dev tokens with
 * @param edgePort        the port the page is served from (both {@code 127.0.0.1} and {@code localhost} are allowed)
 * @param frontEndOrigins more origins whose pages may post to ingest: the developer's own front end, which the edge
 *                        allows through {@code herald.edge.allowed-origins} (the dev mode passes on
 *                        {@code HERALD_EDGE_ALLOWEDORIGINS})
 */
public record DemoSettings(String devSecret, int edgePort, List<String> frontEndOrigins) {

    public DemoSettings {
        frontEndOrigins = List.copyOf(frontEndOrigins);
    }

    public DemoSettings(String devSecret, int edgePort) {
        this(devSecret, edgePort, List.of());
    }

    /** The file, in a system's work directory, that hands the edges their secret. */
    static final String EDGE_SECRET_FILE = "edge-secret.properties";

    /**
     * {@code settings} with the dev-token arguments for the edges (the secret in {@value #EDGE_SECRET_FILE} in the
     * work directory, written now), and CORS and no API keys for ingest.
     */
    public HeraldSystem.Settings applyTo(HeraldSystem.Settings settings) {
        Path secretFile = writeSecretFile(settings.workDir().resolve(EDGE_SECRET_FILE));
        return settings
                .withArgs(Service.EDGE, "--herald.edge.auth.dev-tokens=true",
                        "--spring.config.additional-location=file:" + secretFile)
                .withArgs(Service.INGEST, "--herald.ingest.cors.allowed-origins=" + String.join(",", pageOrigins()),
                        "--herald.ingest.auth.enabled=false");
    }

    /** The origins ingest lets post: the demo page's, and the front ends'. */
    public List<String> pageOrigins() {
        List<String> origins = new java.util.ArrayList<>(List.of("http://127.0.0.1:" + edgePort, "http://localhost:" + edgePort));
        origins.addAll(frontEndOrigins);
        return List.copyOf(origins);
    }

    private Path writeSecretFile(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------")); // before the secret is in it
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system (Windows): the file stays as the OS created it
            }
            // hex: no character that a properties file would escape
            Files.writeString(file, "herald.edge.auth.hs256-secret=" + devSecret + "\n", StandardCharsets.ISO_8859_1);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the edge's secret file " + file, e);
        }
    }
}
