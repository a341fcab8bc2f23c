package io.herald.e2e.faults;

import io.herald.e2e.support.Frames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What each client got per channel, judged from its raw frames against what ingest accepted: delivered,
 * missing, duplicated (the same notification twice, by counter or by position), out of order (a counter lower
 * than one before it), and resets.
 */
record Audit(String client, String channel, int sent, int delivered, int missing, int duplicated, int reordered,
        int resets) {

    static List<Audit> of(ResumingClient client, Map<String, Integer> accepted) {
        List<String> frames = client.frames();
        List<Audit> audits = new ArrayList<>();
        for (String channel : client.channels()) {
            List<JsonNode> messages = Frames.messages(frames, channel);
            Set<Integer> counters = new HashSet<>();
            Set<String> ids = new HashSet<>();
            int duplicated = 0;
            int reordered = 0;
            int previous = -1;
            for (JsonNode message : messages) {
                int n = message.path("n").path("data").path("n").asInt();
                boolean newCounter = counters.add(n);
                boolean newId = ids.add(message.path("id").asString());
                if (!newCounter || !newId) {
                    duplicated++;
                } else if (n < previous) {
                    reordered++;
                }
                previous = Math.max(previous, n);
            }
            int sent = accepted.getOrDefault(channel, 0);
            int missing = 0;
            for (int n = 0; n < sent; n++) {
                if (!counters.contains(n)) {
                    missing++;
                }
            }
            int resets = (int) frames.stream().filter(f -> Frames.is(f, "reset", channel)).count();
            audits.add(new Audit(client.name(), channel, sent, messages.size(), missing, duplicated, reordered, resets));
        }
        return audits;
    }

    /** The audits of every client's channels. */
    static List<Audit> ofAll(List<ResumingClient> clients, Map<String, Integer> accepted) {
        List<Audit> audits = new ArrayList<>();
        clients.forEach(client -> audits.addAll(of(client, accepted)));
        return audits;
    }

    boolean complete() {
        return delivered >= sent && missing == 0;
    }

    boolean clean() {
        return missing == 0 && duplicated == 0 && reordered == 0 && resets == 0;
    }
}
