package io.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.ops.support.Cli;
import io.herald.ops.support.Herald;
import io.herald.testkit.junit.WithKafka;
import io.herald.testkit.junit.WithRedis;
import io.herald.testkit.kafka.KafkaBroker;
import io.herald.testkit.redis.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17 item 4: after Redis lost its data ({@code FLUSHALL}) {@code heraldctl status} said "healthy" and exited
 * 0. It now shows what the dispatcher's health reports ({@code datasetLastChange}), exits 3 while the change is
 * recent and not acknowledged, and points at the runbook. Its own Redis: the flush must not reach other tests.
 */
@WithKafka
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusDatasetChangeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Herald herald;
    private Cli cli;

    @BeforeAll
    void start(KafkaBroker kafka, RedisServer redis) {
        herald = Herald.start("dataset-it", kafka, redis);
        cli = herald.cli();
    }

    @AfterAll
    void stop() {
        herald.close();
    }

    @Test
    void aRedisThatLostItsDataMakesStatusUnhealthyUntilAcknowledgedAndPointsAtTheRunbook() {
        herald.publish("user:flushed", 0, 3);
        herald.awaitApplied();
        Cli.Run before = status();
        assertThat(before.exitCode()).as(before.toString()).isZero();
        assertThat(before.json().at("/dispatcher/datasetChange/kind").isMissingNode()).as(before.toString()).isTrue();

        herald.redis.sync().flushall();

        // the dispatcher notices within its dataset check (1 s) even with no traffic
        await().atMost(WAIT).until(() -> status().json().at("/dispatcher/datasetChange/kind").asString("").equals("emptied"));
        Cli.Run after = status();
        assertThat(after.exitCode()).as(after.toString()).isEqualTo(3);
        JsonNode report = after.json();
        assertThat(report.path("healthy").asBoolean()).isFalse();
        String at = report.at("/dispatcher/datasetChange/at").asString();
        assertThat(report.path("problems").toString())
                .contains("redis lost its data at " + at)
                .contains("docs/operations.md#redis-lost-data")
                .contains("--ack-dataset-change " + at);

        Cli.Run table = cli.run("status", "--dispatcher-management-url", herald.dispatcherManagementUrl());
        assertThat(table.exitCode()).isEqualTo(3);
        assertThat(table.out()).contains("PROBLEMS").contains("redis dataset: redis lost its data")
                .contains("docs/operations.md#redis-lost-data");

        Cli.Run acknowledged = status("--ack-dataset-change", at);
        assertThat(acknowledged.exitCode()).as(acknowledged.toString()).isZero();
        assertThat(acknowledged.json().at("/dispatcher/datasetChange/kind").asString()).isEqualTo("emptied");

        Cli.Run old = status("--dataset-change-window", "0s");
        assertThat(old.exitCode()).as(old.toString()).isZero();

        Cli.Run badTime = status("--ack-dataset-change", "yesterday");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err()).contains("--ack-dataset-change");
    }

    private Cli.Run status(String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "status";
        args[1] = "--dispatcher-management-url";
        args[2] = herald.dispatcherManagementUrl();
        args[3] = "-o=json";
        System.arraycopy(more, 0, args, 4, more.length);
        return cli.run(args);
    }
}
