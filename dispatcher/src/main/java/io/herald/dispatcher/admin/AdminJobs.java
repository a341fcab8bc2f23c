package io.herald.dispatcher.admin;

import io.herald.engine.EngineException;
import io.herald.engine.Progress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores and replays started over HTTP run as jobs in the background, one of each kind at a time, and are
 * polled with {@code GET /admin/jobs/{id}}: an HTTP request must not hang for the minutes a restore can take.
 * The last {@code kept} finished jobs are remembered, in memory only.
 */
final class AdminJobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminJobs.class);

    /** The work of a job: returns its report. */
    @FunctionalInterface
    interface Work {
        Object run(Progress progress) throws InterruptedException;
    }

    /** A job as the API shows it. */
    record Job(String id, String kind, String state, Object request, Instant started, Instant finished, long total,
            long done, Object report, String error) {
    }

    /** Another job of the same kind is running. */
    static final class ConflictException extends RuntimeException {
        ConflictException(String message) {
            super(message);
        }
    }

    private final int kept;
    private final Clock clock;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "herald-admin-job");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Running> jobs = new LinkedHashMap<>();

    AdminJobs(int kept, Clock clock) {
        this.kept = kept;
        this.clock = clock;
    }

    synchronized Job submit(String kind, Object request, Work work) {
        for (Running job : jobs.values()) {
            if (job.kind.equals(kind) && job.finished == null) {
                throw new ConflictException("a " + kind + " is already running: job " + job.id);
            }
        }
        Running job = new Running(UUID.randomUUID().toString(), kind, request, clock.instant());
        jobs.put(job.id, job);
        forgetOld();
        log.info("admin job started id={} kind={} request={}", job.id, kind, request);
        executor.execute(() -> job.run(work));
        return job.view();
    }

    synchronized Optional<Job> get(String id) {
        Running job = jobs.get(id);
        return job == null ? Optional.empty() : Optional.of(job.view());
    }

    synchronized List<Job> all() {
        List<Job> views = new ArrayList<>();
        jobs.values().forEach(job -> views.add(job.view()));
        views.sort(Comparator.comparing(Job::started).reversed());
        return views;
    }

    private void forgetOld() {
        List<String> finished = jobs.values().stream().filter(j -> j.finished != null).map(j -> j.id).toList();
        for (int i = 0; i < finished.size() - kept; i++) {
            jobs.remove(finished.get(i));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private final class Running implements Progress {
        final String id;
        final String kind;
        final Object request;
        final Instant started;
        final AtomicLong total = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        volatile Instant finished;
        volatile Object report;
        volatile String error;

        Running(String id, String kind, Object request, Instant started) {
            this.id = id;
            this.kind = kind;
            this.request = request;
            this.started = started;
        }

        void run(Work work) {
            try {
                report = work.run(this);
                log.info("admin job finished id={} kind={}", id, kind);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted (the dispatcher is shutting down)";
            } catch (EngineException | IllegalArgumentException e) {
                error = e.getMessage();
                log.warn("admin job failed id={} kind={} error=\"{}\"", id, kind, e.getMessage());
            } catch (RuntimeException e) {
                error = "unexpected error: " + EngineException.describe(e);
                log.error("admin job failed id={} kind={}", id, kind, e);
            } finally {
                synchronized (AdminJobs.this) {
                    finished = clock.instant();
                }
            }
        }

        Job view() {
            String state = finished == null ? "running" : error == null ? "succeeded" : "failed";
            return new Job(id, kind, state, request, started, finished, total.get(), done.get(), report, error);
        }

        @Override
        public void start(long work) {
            total.set(work);
        }

        @Override
        public void advance(long amount) {
            done.addAndGet(amount);
        }
    }
}
