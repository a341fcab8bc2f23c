package io.herald.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnvelopeTimeTest {

    @Test
    void readsTheEnvelopesOwnCreatedAtEvenWhenDataHasOne() {
        String envelope = "{\"id\":\"a\",\"channel\":\"user:1\",\"type\":\"t\",\"data\":{\"createdAt\":5,\"x\":\"\\\"createdAt\\\":7\"},"
                + "\"createdAt\":1764300000123,\"expiresAt\":null}";
        assertThat(EnvelopeTime.createdAt(envelope)).isEqualTo(1764300000123L);
    }

    @Test
    void saysUnknownWhenThereIsNone() {
        assertThat(EnvelopeTime.createdAt("{\"id\":\"a\"}")).isEqualTo(-1);
        assertThat(EnvelopeTime.createdAt("{\"createdAt\":null}")).isEqualTo(-1);
    }

    @Test
    void readsTheEnvelopesOwnExpiresAtEvenWhenDataHasOne() {
        String envelope = "{\"id\":\"a\",\"channel\":\"user:1\",\"type\":\"t\",\"data\":{\"expiresAt\":5,\"x\":\"\\\"expiresAt\\\":7\"},"
                + "\"createdAt\":1764300000123,\"expiresAt\":1764300060000}";
        assertThat(EnvelopeTime.expiresAt(envelope)).isEqualTo(1764300060000L);
    }

    @Test
    void aNullOrMissingExpiresAtNeverExpiresEvenWhenDataHasOne() {
        String envelope = "{\"id\":\"a\",\"channel\":\"user:1\",\"type\":\"t\",\"data\":{\"expiresAt\":5},"
                + "\"createdAt\":1764300000123,\"expiresAt\":null}";
        assertThat(EnvelopeTime.expiresAt(envelope)).isEqualTo(EnvelopeTime.NEVER);
        assertThat(EnvelopeTime.expiresAt("{\"id\":\"a\"}")).isEqualTo(EnvelopeTime.NEVER);
    }
}
