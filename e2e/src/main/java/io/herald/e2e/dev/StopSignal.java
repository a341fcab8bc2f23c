package io.herald.e2e.dev;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a request to stop, instead of the JVM's default of exiting at once.
 *
 * <p>WHY not a shutdown hook: at exit the JVM runs every hook at the same time, and the testkit's child-process
 * hooks SIGKILL the broker and the services while the dev mode is still stopping them in order; the broker would
 * then need a recovery on the next start. Handling the signal keeps the JVM alive until everything stopped cleanly.
 */
final class StopSignal {

    private final CountDownLatch requested = new CountDownLatch(1);

    private StopSignal() {
    }

    static StopSignal install() {
        StopSignal stop = new StopSignal();
        Signal.handle(new Signal("INT"), signal -> stop.requested.countDown());
        Signal.handle(new Signal("TERM"), signal -> stop.requested.countDown());
        return stop;
    }

    boolean requested() {
        return requested.getCount() == 0;
    }

    /** Blocks until a stop is requested. */
    void await() {
        boolean interrupted = false;
        while (true) {
            try {
                requested.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
