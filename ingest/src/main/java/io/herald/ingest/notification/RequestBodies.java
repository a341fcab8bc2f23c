package io.herald.ingest.notification;

import io.herald.ingest.problem.ProblemException;
import io.herald.ingest.problem.ProblemKind;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.util.unit.DataSize;

/**
 * Reads a request body as raw bytes, refusing one over the limit before and while reading: the declared
 * Content-Length is checked first, and a chunked or lying body is cut off one byte past the limit, so a huge
 * body never costs more memory than the limit.
 */
final class RequestBodies {

    private RequestBodies() {
    }

    static byte[] read(HttpServletRequest request, DataSize limit) throws IOException {
        long max = limit.toBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            throw tooLarge(declared + " bytes", max);
        }
        // Asked for no more than the declared length (the container ends the stream there): readNBytes allocates its
        // first chunk for what it is asked, up to 8 KB, a quarter of what a 150-byte notification's request allocated
        long expected = declared >= 0 ? declared : max;
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(Math.toIntExact(expected + 1));
            if (body.length > max) {
                throw tooLarge("more than " + max + " bytes", max);
            }
            return body;
        }
    }

    private static ProblemException tooLarge(String size, long max) {
        return new ProblemException(ProblemKind.PAYLOAD_TOO_LARGE,
                "request body is " + size + ", more than the " + max + " accepted", "");
    }
}
