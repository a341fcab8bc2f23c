package io.herald.edge.pubsub;

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
}
