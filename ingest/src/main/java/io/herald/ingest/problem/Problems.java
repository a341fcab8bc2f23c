package io.herald.ingest.problem;

import io.herald.core.envelope.InvalidEnvelopeException;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 bodies of every rejection, so that each reason keeps one type URI and title. */
public final class Problems {

    public static final String TYPE_BASE = "https://herald.io/problems/";
    /** The extension member naming the offending field as a JSON pointer ({@code ""} = the whole document). */
    public static final String FIELD = "field";

    private Problems() {
    }

    public static URI type(String slug) {
        return URI.create(TYPE_BASE + slug);
    }

    public static ProblemDetail of(InvalidEnvelopeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(type(e.reason().code()));
        problem.setTitle(title(e.reason().code()));
        problem.setProperty(FIELD, e.field());
        return problem;
    }

    public static ProblemDetail of(ProblemException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.kind().status(), e.getMessage());
        problem.setType(type(e.kind().slug()));
        problem.setTitle(e.kind().title());
        if (e.field() != null) {
            problem.setProperty(FIELD, e.field());
        }
        return problem;
    }

    /** The slug of a rejection Spring MVC raised itself (404, 405, 415, ...), e.g. {@code method-not-allowed}. */
    public static String slugOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "http-" + status.value() : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code invalid-channel} -> {@code Invalid channel}. */
    static String title(String slug) {
        String words = slug.replace('-', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
