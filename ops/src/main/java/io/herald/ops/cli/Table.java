package io.herald.ops.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns, for humans. */
public final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public Table(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    public Table row(Object... cells) {
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            Object cell = i < cells.length ? cells[i] : null;
            row[i] = cell == null ? "-" : cell.toString();
        }
        rows.add(row);
        return this;
    }

    public int size() {
        return rows.size() - 1;
    }

    public void print(PrintWriter out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Two columns, label and value, for one object. */
    public static void pairs(PrintWriter out, Object... labelsAndValues) {
        int width = 0;
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            width = Math.max(width, labelsAndValues[i].toString().length());
        }
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            String label = labelsAndValues[i].toString();
            Object value = labelsAndValues[i + 1];
            out.println(label + " ".repeat(width - label.length() + 2) + (value == null ? "-" : value));
        }
    }

    /** Shortens long text for a table cell. */
    public static String abbreviate(String text, int max) {
        if (text == null) {
            return null;
        }
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
    }
}
