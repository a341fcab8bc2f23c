package io.herald.e2e.faults;

import io.herald.e2e.system.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What an edge's Prometheus endpoint (management port) says about the work a reconnect storm costs it: resumed
 * subscriptions by where their catch-up read from, sessions, and the JVM's CPU time.
 *
 * @param resumesHot    {@code herald_edge_resumes_total{outcome="hot"}}: caught up from the Redis log
 * @param resumesKafka  {@code herald_edge_resumes_total{outcome="kafka"}}: caught up reading Kafka
 * @param resumesReset  {@code herald_edge_resumes_total{outcome="reset"}}: the client was told to reload
 * @param sessions      {@code herald_edge_sessions} (open connections)
 * @param cpuSeconds    {@code process_cpu_time_ns_total} in seconds
 */
record EdgeMetrics(double resumesHot, double resumesKafka, double resumesReset, double sessions, double cpuSeconds) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Zeros: the figures of an edge that is not running. */
    static final EdgeMetrics NONE = new EdgeMetrics(0, 0, 0, 0, 0);

    static EdgeMetrics of(ServiceProcess edge) {
        if (!edge.isAlive()) {
            return NONE;
        }
        String text;
        try {
            text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.managementPort()
                    + "/actuator/prometheus")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + edge + "'s metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new EdgeMetrics(sum(text, "herald_edge_resumes_total", "outcome=\"hot\""),
                sum(text, "herald_edge_resumes_total", "outcome=\"kafka\""),
                sum(text, "herald_edge_resumes_total", "outcome=\"reset\""),
                sum(text, "herald_edge_sessions", ""),
                sum(text, "process_cpu_time_ns_total", "") / 1e9);
    }

    /** The sum of every series of {@code metric} whose labels contain {@code label}. */
    private static double sum(String exposition, String metric, String label) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                String series = line.substring(0, line.lastIndexOf(' '));
                if (series.contains(label)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    /** What happened between {@code before} and this (sessions: the count now). */
    EdgeMetrics since(EdgeMetrics before) {
        return new EdgeMetrics(resumesHot - before.resumesHot, resumesKafka - before.resumesKafka,
                resumesReset - before.resumesReset, sessions, cpuSeconds - before.cpuSeconds);
    }
}
