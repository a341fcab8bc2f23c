package io.herald.client.position;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePositionStoreTest {

    @Test
    void positionsSurviveANewStoreOnTheSameFileAndLeaveNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("positions.json");
        FilePositionStore store = new FilePositionStore(file);
        assertThat(store.get("user:1")).isEmpty();
        store.put("user:1", "10-1");
        store.put("user:2", "20-1");
        store.put("user:1", "11-1");
        store.remove("user:2");

        FilePositionStore reopened = new FilePositionStore(file);
        assertThat(reopened.get("user:1")).contains("11-1");
        assertThat(reopened.get("user:2")).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void positionsCompareByOffsetAsNumbers() {
        assertThat(Positions.isAfter("10-1", "9-1")).isTrue();
        assertThat(Positions.isAfter("9-1", "10-1")).isFalse();
        assertThat(Positions.isAfter("10-1", "10-1")).isFalse();
        assertThat(Positions.isAfter("9007199254740993-1", "9007199254740992-1")).isTrue();
        assertThat(Positions.isAfter("0-0", null)).isTrue();
        assertThat(Positions.isPosition("9223372036854775806-1")).isTrue();
        assertThat(Positions.isPosition("99999999999999999999-1")).isFalse();
        assertThat(Positions.isPosition("12")).isFalse();
    }
}
