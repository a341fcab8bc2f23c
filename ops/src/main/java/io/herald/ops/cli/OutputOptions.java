package io.herald.ops.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code --output table|json}: human tables by default, JSON for machines (one document per command). */
public final class OutputOptions {

    /** The formats {@code --output} accepts. */
    public enum Format {
        table,
        json
    }

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default) or json.")
    public Format format = Format.table;

    public boolean json() {
        return format == Format.json;
    }

    /** Prints the result as JSON, or as the table the command draws. */
    public void print(PrintWriter out, Object result, Consumer<PrintWriter> table) {
        if (json()) {
            out.println(JSON.writeValueAsString(result));
        } else {
            table.accept(out);
        }
        out.flush();
    }

    public static JsonMapper mapper() {
        return JSON;
    }
}
