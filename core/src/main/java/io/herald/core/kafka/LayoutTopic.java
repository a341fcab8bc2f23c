package io.herald.core.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a {@link TopicLayout} is kept: the compacted one-partition topic {@code <topic>.layout}, one record per
 * generation (key: its number; value: {@code {"generation":1,"partitions":6,"cuts":{"0":1234,...}}}, cuts absent
 * until sealed), the latest record of a key winning. A topic that never grew has no layout topic, or an empty one: its
 * layout is its partition count. {@code heraldctl topic grow} is the only writer; every service reads it.
 */
public final class LayoutTopic {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LayoutTopic() {
    }

    /** The layout topic of {@code topic}. */
    public static String of(String topic) {
        return topic + ".layout";
    }

    /**
     * The topic's layout as Kafka holds it now.
     *
     * @param clientConfig bootstrap servers and security, as for any client of the cluster
     * @throws KafkaException when Kafka does not answer within {@code timeout}, or the topic does not exist
     */
    public static TopicLayout read(Map<String, Object> clientConfig, String topic, Duration timeout) {
        Map<String, TopicDescription> topics = describe(clientConfig, topic, timeout);
        TopicDescription notifications = topics.get(topic);
        if (notifications == null) {
            throw new KafkaException("topic " + topic + " does not exist");
        }
        List<byte[]> records = topics.containsKey(of(topic)) ? records(clientConfig, of(topic), timeout) : List.of();
        // No layout topic, or an empty one (heraldctl topic grow creates it right before writing the first growth,
        // and may have stopped in between): the topic never grew, and partitions are only added after that write.
        return records.isEmpty() ? TopicLayout.of(topic, notifications.partitions().size()) : parse(topic, records);
    }

    /**
     * Writes the newest generation of {@code layout} (and generation 0 with it, for the first growth), acks=all.
     * The layout topic must exist.
     */
    public static void write(Map<String, Object> clientConfig, TopicLayout layout, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "herald-layout-writer");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            List<TopicLayout.Generation> generations = layout.generations();
            for (TopicLayout.Generation generation : generations.size() == 2 ? generations
                    : List.of(layout.newest())) {
                producer.send(new ProducerRecord<>(of(layout.topic()), 0, Integer.toString(generation.number()),
                        format(generation))).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while writing the layout of " + layout.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("could not write the layout of " + layout.topic() + ": " + e, e);
        }
    }

    static String format(TopicLayout.Generation generation) {
        ObjectNode node = JSON.createObjectNode();
        node.put("generation", generation.number());
        node.put("partitions", generation.partitions());
        if (generation.cuts() != null) {
            ObjectNode cuts = node.putObject("cuts");
            new TreeMap<>(generation.cuts()).forEach((partition, cut) -> cuts.put(Integer.toString(partition), cut));
        }
        return JSON.writeValueAsString(node);
    }

    static TopicLayout parse(String topic, List<byte[]> values) {
        Map<Integer, TopicLayout.Generation> latest = new TreeMap<>();
        for (byte[] value : values) {
            if (value == null) {
                continue;
            }
            JsonNode node = JSON.readTree(new String(value, StandardCharsets.UTF_8));
            Map<Integer, Long> cuts = null;
            if (node.has("cuts")) {
                cuts = new HashMap<>();
                for (Map.Entry<String, JsonNode> cut : node.get("cuts").properties()) {
                    cuts.put(Integer.valueOf(cut.getKey()), cut.getValue().asLong());
                }
            }
            int number = node.get("generation").asInt();
            latest.put(number, new TopicLayout.Generation(number, node.get("partitions").asInt(), cuts));
        }
        return new TopicLayout(topic, new ArrayList<>(latest.values()));
    }

    private static Map<String, TopicDescription> describe(Map<String, Object> clientConfig, String topic,
            Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "herald-layout-reader");
        try (Admin admin = Admin.create(config)) {
            Map<String, TopicDescription> found = new HashMap<>();
            for (String name : List.of(topic, of(topic))) {
                try {
                    found.put(name, admin.describeTopics(List.of(name)).topicNameValues().get(name)
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw new KafkaException("could not describe " + name + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while reading the layout of " + topic, e);
        } catch (TimeoutException e) {
            throw new KafkaException("kafka did not describe " + topic + " within " + timeout, e);
        }
    }

    private static List<byte[]> records(Map<String, Object> clientConfig, String layoutTopic, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-layout-reader");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition partition = new TopicPartition(layoutTopic, 0);
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("could not read " + layoutTopic + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
