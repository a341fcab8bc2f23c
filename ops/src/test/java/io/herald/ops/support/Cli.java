package io.herald.ops.support;

import io.herald.ops.Heraldctl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs heraldctl in this JVM exactly as {@code main} does (same error handling), capturing stdout and stderr. */
public final class Cli {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What one run printed and returned. */
    public record Run(int exitCode, String out, String err) {
        public JsonNode json() {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final List<String> connection;

    /** @param connection options appended to every run (where Kafka, Redis and the services are) */
    public Cli(List<String> connection) {
        this.connection = List.copyOf(connection);
    }

    /** Runs {@code heraldctl <args> <connection options>}. */
    public Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(connection);
        return raw(all.toArray(String[]::new));
    }

    /** Runs {@code heraldctl <args>} with nothing added. */
    public static Run raw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Heraldctl.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
