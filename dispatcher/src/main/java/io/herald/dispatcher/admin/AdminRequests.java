package io.herald.dispatcher.admin;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** The JSON bodies of the admin API's POST routes; optional fields may be left out. */
final class AdminRequests {

    private AdminRequests() {
    }

    /**
     * {@code POST /admin/restore}.
     *
     * @param since   a time (ISO-8601 with zone), a duration before now ({@code 2h}) or an offset; required
     * @param until   the same forms, exclusive; default: what the dispatcher has applied
     * @param channel one channel only
     * @param dryRun  count, write nothing (default false)
     * @param rate    records per second (default {@code herald.dispatcher.admin.default-rate})
     */
    record Restore(String since, String until, String channel, Boolean dryRun, Long rate) {
    }

    /**
     * {@code POST /admin/replay}: exactly one of {@code channel} and {@code user} ({@code user:<id>}).
     *
     * @param since  required
     * @param until  exclusive; default: the partition's end
     */
    record Replay(String channel, String user, String since, String until, Boolean dryRun, Long rate) {
    }

    /**
     * {@code POST /admin/dlt/redrive}: {@code all}, or {@code records} ({@code "<partition>:<offset>"} or
     * {@code "<offset>"}).
     *
     * @param value a corrected envelope (a JSON object) for a single record
     * @param force redrive again records already redriven
     */
    record Redrive(Boolean all, List<String> records, JsonNode value, Boolean force, Boolean dryRun) {
    }

    static boolean flag(Boolean value) {
        return value != null && value;
    }
}
