package io.herald.e2e.dev;

import io.herald.e2e.system.HeraldSystem;
import io.herald.e2e.system.ServiceProcess;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The dev mode's services under the names people type in its terminal ({@code edge}, {@code ingest},
 * {@code dispatcher}, {@code redis}): commands to stop and start one of them (the demo page's "Try to lose one"),
 * and the one line said when a service the dev mode started dies without being asked to.
 */
final class DevServices {

    static final String HELP = "commands: stop|start|restart edge|ingest|dispatcher|redis, status, help"
            + " (Ctrl-C stops everything)";

    private final HeraldSystem system;
    private final Path root;
    private final Consumer<String> out;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    /** Services stopped by a command, or already reported dead: not reported (again). */
    private final Set<String> notRunningKnown = ConcurrentHashMap.newKeySet();

    DevServices(HeraldSystem system, Path root, Consumer<String> out) {
        this.system = system;
        this.root = root;
        this.out = out;
        services.put("edge", system.edge(0));
        services.put("ingest", system.ingest());
        services.put("dispatcher", system.dispatcher());
    }

    /** Carries out one line typed in the dev mode's terminal and says what happened. */
    synchronized void run(String line) {
        String[] words = line.trim().toLowerCase(Locale.ROOT).split("\\s+");
        if (words.length == 1 && words[0].isEmpty()) {
            return;
        }
        String verb = words[0];
        if (words.length == 1 && verb.equals("status")) {
            services.forEach((name, service) -> out.accept("  " + name + " (" + service.name() + "): " + state(service)));
            out.accept("  redis: " + system.redis().url());
            return;
        }
        if (words.length != 2 || !Set.of("stop", "start", "restart").contains(verb)) {
            out.accept((words.length == 1 && verb.equals("help") ? "" : "unknown command '" + line.trim() + "'; ") + HELP);
            return;
        }
        String name = words[1];
        if (name.equals("redis")) {
            redis(verb);
            return;
        }
        ServiceProcess service = services.get(name);
        if (service == null) {
            out.accept("no service '" + name + "'; " + HELP);
            return;
        }
        try {
            if (!verb.equals("start")) {
                notRunningKnown.add(name);
                out.accept("stopping " + service.name() + "...");
                service.stop();
                out.accept(service.name() + " stopped" + (verb.equals("stop") ? "; 'start " + name + "' starts it again" : ""));
            }
            if (!verb.equals("stop")) {
                if (service.isAlive()) {
                    out.accept(service.name() + " is already running");
                    return;
                }
                out.accept("starting " + service.name() + "...");
                service.start();
                notRunningKnown.remove(name);
                out.accept(service.name() + " started on 127.0.0.1:" + service.port());
            }
        } catch (RuntimeException | AssertionError e) {
            out.accept(service.name() + " did not " + verb + ": " + firstLine(e.getMessage()) + " (log: " + log(service) + ")");
        }
    }

    private void redis(String verb) {
        try {
            if (verb.equals("stop")) {
                system.redis().kill();
                out.accept("redis stopped (SIGKILL; the dev mode's Redis keeps nothing on disk, so it starts again empty)");
            } else {
                system.redis().restart();
                out.accept("redis started again, empty, on " + system.redis().url());
            }
        } catch (RuntimeException e) {
            out.accept("redis did not " + verb + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * Says, once, for each service that is no longer running although nobody stopped it. Called every half
     * second by the dev mode until it stops.
     */
    synchronized void reportDeaths() {
        services.forEach((name, service) -> {
            OptionalInt exit = service.exitCode();
            if (exit.isPresent() && notRunningKnown.add(name)) {
                out.accept(service.name() + " exited unexpectedly (exit code " + exit.getAsInt() + "); its log: "
                        + log(service) + "; type 'start " + name + "' to start it again");
            }
        });
    }

    private static String state(ServiceProcess service) {
        OptionalInt exit = service.exitCode();
        return service.isAlive() ? "running on 127.0.0.1:" + service.port()
                : exit.isPresent() ? "stopped (exit code " + exit.getAsInt() + ")" : "stopped";
    }

    private Path log(ServiceProcess service) {
        Path file = service.logFile().toAbsolutePath();
        return file.startsWith(root) ? root.relativize(file) : file;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no reason given";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
