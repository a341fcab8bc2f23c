package io.herald.client.position;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Positions in a JSON file ({@code {"user:42":"1234-1", ...}}) that survive a restart of the application. Every
 * change rewrites the file atomically: written to a temporary file in the same directory, then moved over the old
 * one, so a crash leaves either the old or the new file, never a torn one. The file is not fsynced: after a power
 * loss the last positions may be older than what was processed, which costs duplicates in the application after
 * the restart (the resume starts earlier), never a lost notification.
 */
public final class FilePositionStore implements PositionStore {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Map<String, String> positions = new TreeMap<>();

    /** Reads {@code file} if it exists (a missing file is an empty store); the directory must exist. */
    public FilePositionStore(Path file) {
        this.file = file.toAbsolutePath();
        try {
            JsonNode stored = JSON.readTree(Files.readString(this.file));
            stored.properties().forEach(entry -> {
                if (entry.getValue().isString()) {
                    positions.put(entry.getKey(), entry.getValue().asString());
                }
            });
        } catch (NoSuchFileException e) {
            // first start
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read positions from " + this.file, e);
        } catch (JacksonException e) {
            throw new IllegalStateException("positions file " + this.file + " is not a JSON object", e);
        }
    }

    @Override
    public synchronized Optional<String> get(String channel) {
        return Optional.ofNullable(positions.get(channel));
    }

    @Override
    public synchronized void put(String channel, String position) {
        if (!position.equals(positions.put(channel, position))) {
            write();
        }
    }

    @Override
    public synchronized void remove(String channel) {
        if (positions.remove(channel) != null) {
            write();
        }
    }

    private void write() {
        try {
            Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try {
                Files.writeString(temporary, JSON.writeValueAsString(positions));
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write positions to " + file, e);
        }
    }
}
