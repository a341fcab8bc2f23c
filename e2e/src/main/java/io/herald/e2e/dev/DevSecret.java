package io.herald.e2e.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The HS256 secret of the dev mode's edge: random, made on the first run and kept in {@code .herald/dev-secret}
 * (owner-readable only) so that tokens a browser holds stay valid across runs. Never a secret in the sources.
 */
final class DevSecret {

    private static final int BYTES = 32;

    private DevSecret() {
    }

    static String loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (secret.length() >= 2 * BYTES) {
                    return secret;
                }
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[BYTES];
            new SecureRandom().nextBytes(random);
            // hex: plain ASCII, 64 characters, whatever way the edge reads the secret (raw bytes or text)
            String secret = HexFormat.of().formatHex(random);
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system (Windows): the file stays as the OS created it
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the dev secret " + file, e);
        }
    }
}
