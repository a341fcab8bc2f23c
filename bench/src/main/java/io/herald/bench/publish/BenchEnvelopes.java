package io.herald.bench.publish;

import io.herald.bench.client.Payload;

/**
 * The envelopes the generator publishes to Herald, in the canonical form {@code EnvelopeCodec.encode} writes (a test
 * holds the two equal), built by concatenation so that publishing costs the generator as little as the peers'
 * {@code JSON.stringify}.
 */
public final class BenchEnvelopes {

    public static final String TYPE = "bench";

    private final String runId;
    private final String body;

    public BenchEnvelopes(String runId, int bodyBytes) {
        this.runId = runId;
        this.body = Payload.body(bodyBytes);
    }

    public String json(String channel, long seq, long micros) {
        return "{\"id\":\"" + runId + "-" + seq + "\",\"channel\":\"" + channel + "\",\"type\":\"" + TYPE
                + "\",\"data\":" + Payload.json(seq, micros, body) + ",\"createdAt\":" + micros / 1000
                + ",\"expiresAt\":null}";
    }

    public String body() {
        return body;
    }
}
