package io.herald.e2e.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevSecretTest {

    @Test
    void isMadeOnceOwnerReadableAndFoundAgainOnTheNextRun(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(".herald").resolve("dev-secret");

        String first = DevSecret.loadOrCreate(file);
        String second = DevSecret.loadOrCreate(file);

        assertThat(first).matches("[0-9a-f]{64}").isEqualTo(second);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(DevSecret.loadOrCreate(dir.resolve("other"))).as("random, not a constant").isNotEqualTo(first);
    }

    @Test
    void replacesASecretTooShortForHs256(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("dev-secret");
        Files.writeString(file, "short\n");

        assertThat(DevSecret.loadOrCreate(file)).matches("[0-9a-f]{64}");
    }
}
