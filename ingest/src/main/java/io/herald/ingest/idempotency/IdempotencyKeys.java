package io.herald.ingest.idempotency;

import io.herald.ingest.problem.ProblemException;
import io.herald.ingest.problem.ProblemKind;
import java.util.regex.Pattern;

/** The {@code Idempotency-Key} request header: any 1-255 visible ASCII characters (a UUID in practice). */
public final class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private IdempotencyKeys() {
    }

    /** @return the key, or {@code null} when the header is absent */
    public static String fromHeader(String header) {
        if (header == null) {
            return null;
        }
        if (!KEY.matcher(header).matches()) {
            throw new ProblemException(ProblemKind.INVALID_IDEMPOTENCY_KEY,
                    HEADER + " must be 1-255 visible ASCII characters (a UUID is a good choice)");
        }
        return header;
    }
}
