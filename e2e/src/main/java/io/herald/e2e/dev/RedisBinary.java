package io.herald.e2e.dev;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code redis-server} for the dev mode on a machine that has none on its {@code PATH}: the binary that the Maven
 * artifact {@code com.github.codemonstur:embedded-redis} (a dependency of this module, so on the dev mode's class
 * path) bundles for this operating system and processor, Redis 6.2, enough for everything Herald asks of it.
 *
 * <p>{@code ./herald-dev} runs {@code main(dir)} before the dev mode when {@code redis-server} is missing, and puts
 * {@code dir} first on the {@code PATH} it starts the dev mode with; the testkit then starts it like any other.
 */
public final class RedisBinary {

    /** Resource names in the artifact, by {@code os.name/os.arch} as this JVM reports them. */
    private static final Map<String, String> BUNDLED = Map.of(
            "linux/amd64", "redis-server-6.2.6-v5-linux-amd64",
            "linux/x86_64", "redis-server-6.2.6-v5-linux-amd64",
            "linux/aarch64", "redis-server-6.2.7-linux-arm64",
            "mac/x86_64", "redis-server-6.2.6-v5-darwin-amd64",
            "mac/amd64", "redis-server-6.2.6-v5-darwin-amd64",
            "mac/aarch64", "redis-server-6.2.6-v5-darwin-arm64");

    private RedisBinary() {
    }

    /** Writes {@code <args[0]>/redis-server} (unless there) and prints the resource it came from. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RedisBinary <directory>");
            System.exit(2);
        }
        String resource = resourceFor(System.getProperty("os.name"), System.getProperty("os.arch"));
        if (resource == null) {
            System.err.println("No bundled redis-server for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ". Install Redis so that redis-server is on the PATH.");
            System.exit(1);
        }
        Path binary = extract(resource, Path.of(args[0]));
        System.out.println("redis-server " + binary + " (from the Maven artifact com.github.codemonstur:embedded-redis, "
                + resource + ")");
    }

    /** The bundled binary for an {@code os.name} and {@code os.arch}, or null when the artifact has none. */
    static String resourceFor(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String family = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "mac" : os;
        return BUNDLED.get(family + "/" + osArch.toLowerCase(Locale.ROOT));
    }

    /** Copies the resource to {@code dir/redis-server}, executable; a copy already there is kept. */
    static Path extract(String resource, Path dir) throws IOException {
        Path target = dir.resolve("redis-server");
        if (Files.isExecutable(target)) {
            return target;
        }
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, "redis-server", ".part");
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path: is com.github.codemonstur:embedded-redis"
                        + " a dependency of the e2e module? Rebuild: ./herald-dev --rebuild");
            }
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!partial.toFile().setExecutable(true, true)) {
            throw new IOException("cannot make " + partial + " executable");
        }
        // a dev mode interrupted half-way never leaves a truncated binary under the final name
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
