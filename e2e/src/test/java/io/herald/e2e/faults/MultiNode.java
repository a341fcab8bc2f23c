package io.herald.e2e.faults;

/**
 * The fault suites that run several nodes of one tier (three dispatchers, three Kafka brokers, three edges behind a
 * balancer, two of each growing the topic) take about seven minutes together on the 2-core CI machine, more than
 * the rest of e2e. They run with
 * {@code ./mvnw -B verify -Pmulti-node} (README.md), not in the default build, and their figures in
 * docs/reliability.md come from such a run.
 */
final class MultiNode {

    /** The JUnit tag of those suites; the default build excludes it (e2e/pom.xml). */
    static final String TAG = "multi-node";

    private MultiNode() {
    }
}
