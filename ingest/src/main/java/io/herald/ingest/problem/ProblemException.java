package io.herald.ingest.problem;

/**
 * A request the API refuses for a reason other than the envelope's content; answered as
 * application/problem+json by {@link ProblemAdvice}. The message is shown to the caller.
 */
public class ProblemException extends RuntimeException {

    private final ProblemKind kind;
    private final String field;

    public ProblemException(ProblemKind kind, String detail) {
        this(kind, detail, null);
    }

    /** @param field the offending field as a JSON pointer, or {@code null} when no field is at fault */
    public ProblemException(ProblemKind kind, String detail, String field) {
        super(detail, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    public ProblemKind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
