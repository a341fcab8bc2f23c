package io.herald.bench;

import io.herald.bench.cli.Options;
import io.herald.bench.scenario.ApplyScenario;
import io.herald.bench.scenario.DrainScenario;
import io.herald.bench.scenario.FanoutScenario;
import io.herald.bench.scenario.IdleScenario;
import io.herald.bench.scenario.ResumeScenario;

/**
 * The load generator's command line: {@code bench <scenario> [--option value ...]}. bench/README.md lists the
 * scenarios and options; bench/run.sh runs the whole comparison and regenerates docs/performance.md's data.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.err.println("usage: bench fanout|resume|idle|apply|drain [--option value ...]  (see bench/README.md)");
            System.exit(2);
        }
        Options options = new Options(args, 1);
        try {
            switch (args[0]) {
                case "fanout" -> FanoutScenario.run(options);
                case "resume" -> ResumeScenario.run(options);
                case "idle" -> IdleScenario.run(options);
                case "apply" -> ApplyScenario.run(options);
                case "drain" -> DrainScenario.run(options);
                default -> throw new IllegalArgumentException("unknown scenario '" + args[0] + "'");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
        // Lettuce and Netty leave non-daemon threads behind for a moment; the run is over
        System.exit(0);
    }
}
