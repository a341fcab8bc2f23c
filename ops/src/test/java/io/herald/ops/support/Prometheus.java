package io.herald.ops.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** A scrape of {@code /actuator/prometheus} on a management port, read back into series and values. */
public final class Prometheus {

    private final Map<String, Double> series = new LinkedHashMap<>();
    private final String text;

    private Prometheus(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    public static Prometheus scrape(String baseUrl) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("scrape of " + baseUrl + " answered " + response.statusCode());
            }
            return new Prometheus(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of the series named {@code name} whose labels include each {@code label, value} pair given. */
    public OptionalDouble value(String name, String... labels) {
        List<Double> matches = new ArrayList<>();
        series.forEach((key, value) -> {
            String seriesName = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
            if (!seriesName.equals(name)) {
                return;
            }
            for (int i = 0; i < labels.length; i += 2) {
                if (!key.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) {
                    return;
                }
            }
            matches.add(value);
        });
        if (matches.size() > 1) {
            throw new IllegalStateException(matches.size() + " series match " + name + " " + List.of(labels));
        }
        return matches.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(matches.get(0));
    }

    /** Whether any series has this exact name (labels aside). */
    public boolean has(String name) {
        return series.keySet().stream().anyMatch(key -> key.equals(name) || key.startsWith(name + "{"));
    }

    /** The value, failing with the scrape's text when the series is missing. */
    public double require(String name, String... labels) {
        OptionalDouble value = value(name, labels);
        if (value.isEmpty()) {
            throw new AssertionError("no series " + name + " " + List.of(labels) + " in:\n" + text);
        }
        return value.getAsDouble();
    }
}
