package io.herald.bench.scenario;

import io.herald.bench.cli.Options;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The notifications topic on the broker an edge under test uses ({@code --kafka host:port}): an edge asks Kafka where a
 * channel without a log in Redis starts, so a subscribe needs the topic even when the feed goes straight into Redis
 * and no dispatcher runs to create it. Created when absent ({@code --topic}, {@code --partitions}).
 */
final class EdgeTopic {

    private EdgeTopic() {
    }

    static void ensure(Options options) throws InterruptedException {
        String bootstrap = options.string("kafka", "");
        if (bootstrap.isBlank() || !options.string("target", "herald").equals("herald")) {
            return;
        }
        String topic = options.string("topic", "herald.notifications");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, options.integer("partitions", 6), (short) 1))).all().get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create " + topic + " on " + bootstrap, e);
        }
    }
}
