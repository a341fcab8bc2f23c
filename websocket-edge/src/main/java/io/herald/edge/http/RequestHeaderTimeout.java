package io.herald.edge.http;

import io.micrometer.core.instrument.Counter;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes an HTTP/1 connection whose request headers take longer than the timeout to arrive (a slow-loris client
 * that sends a header line every few seconds, which Jetty's idle timeout never catches since every line counts as
 * activity and Jetty has no header deadline of its own).
 *
 * <p>Each connection is looked at once per period, from the connector's scheduler, through counters Jetty keeps
 * anyway (requests whose headers completed, responses, bytes read), so that nothing runs per byte or per request:
 * <ul>
 * <li>a new connection that has not completed one request's headers after one period is closed;</li>
 * <li>later, between requests (as many responses as requests), bytes that arrived without completing a request
 *     mark a request in progress; if it is still not complete at the next look, it has taken more than one period
 *     (at most two) and the connection is closed.</li>
 * </ul>
 * A request being handled (an event stream included) is never cut; an idle keep-alive connection is left to the
 * idle timeout; a connection upgraded to a WebSocket is no longer an HTTP connection and is no longer looked at.
 */
final class RequestHeaderTimeout implements Connection.Listener {

    private final long timeoutMillis;
    private final Scheduler scheduler;
    private final Counter closed;

    RequestHeaderTimeout(long timeoutMillis, Scheduler scheduler, Counter closed) {
        this.timeoutMillis = timeoutMillis;
        this.scheduler = scheduler;
        this.closed = closed;
    }

    @Override
    public void onOpened(Connection connection) {
        new Watch(connection).next();
    }

    /** One connection's counters at the previous look; only the scheduler's thread touches them. */
    private final class Watch implements Runnable {
        private final Connection connection;
        private long requests;
        private long bytes;
        private boolean requestInProgress;

        Watch(Connection connection) {
            this.connection = connection;
        }

        void next() {
            scheduler.schedule(this, timeoutMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            EndPoint endPoint = connection.getEndPoint();
            if (!endPoint.isOpen() || endPoint.getConnection() != connection) {
                return; // closed, or upgraded to a WebSocket
            }
            long requestsNow = connection.getMessagesIn();
            long bytesNow = connection.getBytesIn();
            boolean noNewRequest = requestsNow == requests;
            if (noNewRequest && (requests == 0 || requestInProgress)) {
                closed.increment();
                endPoint.close();
                return;
            }
            requestInProgress = noNewRequest && bytesNow > bytes && requestsNow == connection.getMessagesOut();
            requests = requestsNow;
            bytes = bytesNow;
            next();
        }
    }
}
