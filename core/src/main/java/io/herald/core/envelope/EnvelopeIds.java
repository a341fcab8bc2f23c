package io.herald.core.envelope;

import java.util.UUID;
import java.util.regex.Pattern;

/** Notification IDs: the producer's idempotency key, or a random UUID when the producer gave none. */
public final class EnvelopeIds {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private EnvelopeIds() {
    }

    public static String generate() {
        return UUID.randomUUID().toString();
    }

    /** IDs are ULIDs or UUIDs in practice; any short token of this safe alphabet is accepted. */
    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static String rule() {
        return "1-64 characters of [A-Za-z0-9_.:-] (a ULID or UUID)";
    }
}
