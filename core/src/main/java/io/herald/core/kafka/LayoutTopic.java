package io.herald.core.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a {@link TopicLayout} is kept: the compacted one-partition topic {@code <topic>.layout}. One record per
 * generation, written by {@code heraldctl topic grow} (key {@code "1"}; value
 * {@code {"generation":1,"partitions":6,"sealAfter":<epoch ms>}}), and one per cut, written by the dispatcher that
 * cut the partition, in the transaction that commits its offset (key {@code "1/2@1234"}; value
 * {@code {"generation":1,"partition":2,"cut":1234}}); the first cut of a partition stands. Two dispatchers may cut
 * the same partition (it moved between them while the second still saw it uncut): the key names the offset, so that
 * compaction keeps both cuts and the first one stands for readers after compaction too. Readers use
 * {@code read_committed}. A topic that never grew has no layout topic, or an empty one: its layout is its partition
 * count. The dispatcher writes that count as generation 0 when it finds no layout written ({@link LayoutWatch}, pinning),
 * so that partitions added later by other means than {@code heraldctl topic grow} are not taken for the topic's own.
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
     * Creates {@code <topic>.layout} unless it exists: one partition, compacted (a growth's record is kept at its
     * latest, every cut record is kept), as durable as the notifications topic (its replica count and
     * {@code min.insync.replicas}): every service depends on it as much as on the notifications.
     *
     * @return whether it was created now
     * @throws KafkaException when Kafka does not answer within {@code timeout} or refuses
     */
    public static boolean create(Admin admin, String topic, Duration timeout) {
        String name = of(topic);
        try {
            if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(name)) {
                return false;
            }
            TopicDescription notifications = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            String minInsyncReplicas = admin.describeConfigs(List.of(resource)).values().get(resource)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value();
            NewTopic layout = new NewTopic(name, Optional.of(1),
                    Optional.of((short) notifications.partitions().get(0).replicas().size()))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsyncReplicas));
            admin.createTopics(List.of(layout)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false; // created between the listing and now, the same way
            }
            throw new KafkaException("could not create " + name + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating " + name, e);
        } catch (TimeoutException e) {
            throw new KafkaException("kafka did not create " + name + " within " + timeout, e);
        }
    }

    /**
     * The topic's layout as Kafka holds it now, with clients opened for this one read.
     *
     * @param clientConfig bootstrap servers and security, as for any client of the cluster
     * @throws KafkaException when Kafka does not answer within {@code timeout}, or the topic does not exist
     */
    public static TopicLayout read(Map<String, Object> clientConfig, String topic, Duration timeout) {
        try (Reader reader = new Reader(clientConfig, topic, timeout)) {
            return reader.read();
        }
    }

    /** Reads the layout again and again with the same two clients (an admin and an assigned consumer). */
    public static final class Reader implements AutoCloseable {

        private final String topic;
        private final Map<String, Object> clientConfig;
        private final Duration timeout;
        private final Admin admin;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final TopicPartition partition;
        private boolean assigned;
        private List<byte[]> values = List.of();
        private boolean written;

        public Reader(Map<String, Object> clientConfig, String topic, Duration timeout) {
            this.topic = topic;
            this.clientConfig = Map.copyOf(clientConfig);
            this.timeout = timeout;
            this.partition = new TopicPartition(of(topic), 0);
            // every call, and closing, gives up within the timeout (by default closing waits 60 s for a Kafka away)
            int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            Map<String, Object> adminConfig = new HashMap<>(clientConfig);
            adminConfig.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "herald-layout-reader");
            adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
            adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
            this.admin = Admin.create(adminConfig);
            Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
            consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // cuts come in transactions
            consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-layout-reader");
            consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
            consumerConfig.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
            consumerConfig.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
            this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        /** The layout now. Throws {@link KafkaException} when Kafka does not answer or the topic does not exist. */
        public TopicLayout read() {
            Map<String, TopicDescription> topics = describe();
            TopicDescription notifications = topics.get(topic);
            if (notifications == null) {
                throw new KafkaException("topic " + topic + " does not exist");
            }
            List<byte[]> records = topics.containsKey(of(topic)) ? records() : List.of();
            written = !records.isEmpty();
            // no layout topic, or an empty one (heraldctl topic grow creates it right before writing the first growth,
            // and may have stopped in between): the topic never grew, and partitions are only added after that write
            return records.isEmpty() ? TopicLayout.of(topic, notifications.partitions().size()) : parse(topic, records);
        }

        /** Whether the last {@link #read} found a layout written, rather than taking the topic's partition count. */
        public boolean written() {
            return written;
        }

        /**
         * Writes {@code layout} (a topic that never grew: its partition count as generation 0) to the layout topic,
         * created first if missing ({@link #create}), with this reader's admin client. Throws {@link KafkaException}
         * when Kafka does not answer in time or refuses.
         */
        public void pin(TopicLayout layout) {
            create(admin, topic, timeout);
            write(clientConfig, layout, timeout);
        }

        private Map<String, TopicDescription> describe() {
            Map<String, TopicDescription> found = new HashMap<>();
            for (String name : List.of(topic, of(topic))) {
                try {
                    found.put(name, admin.describeTopics(List.of(name)).topicNameValues().get(name)
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw new KafkaException("could not describe " + name + ": " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("interrupted while reading the layout of " + topic, e);
                } catch (TimeoutException e) {
                    throw new KafkaException("kafka did not describe " + name + " within " + timeout, e);
                }
            }
            return found;
        }

        /**
         * Every record so far: those read before, then what was added since. Each read goes on from where the last
         * stopped (the layout only grows), so a refresh fetches nothing when nothing changed and the consumer does
         * not log a seek every few seconds.
         */
        private List<byte[]> records() {
            if (!assigned) {
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                assigned = true;
            }
            List<byte[]> read = new ArrayList<>(values);
            try {
                long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (consumer.position(partition, timeout) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new KafkaException("could not read " + partition.topic() + " within " + timeout);
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        read.add(record.value());
                    }
                }
            } catch (RuntimeException e) {
                assigned = false; // what this read fetched is dropped: the next one starts over from the beginning
                values = List.of();
                throw e;
            }
            values = read;
            return values;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(1));
            admin.close(Duration.ofSeconds(1));
        }
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
                for (Map.Entry<Integer, Long> cut : new TreeMap<>(generation.cuts()).entrySet()) {
                    ProducerRecord<byte[], byte[]> record = cutRecord(layout.topic(), generation.number(), cut.getKey(),
                            cut.getValue());
                    producer.send(new ProducerRecord<>(record.topic(), 0, new String(record.key(), StandardCharsets.UTF_8),
                            new String(record.value(), StandardCharsets.UTF_8))).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while writing the layout of " + layout.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("could not write the layout of " + layout.topic() + ": " + e, e);
        }
    }

    /** The record of a cut, for the dispatcher's transactional producer. */
    public static ProducerRecord<byte[], byte[]> cutRecord(String topic, int generation, int partition, long cut) {
        ObjectNode node = JSON.createObjectNode();
        node.put("generation", generation);
        node.put("partition", partition);
        node.put("cut", cut);
        String key = generation + "/" + partition + "@" + cut;
        return new ProducerRecord<>(of(topic), 0, key.getBytes(StandardCharsets.UTF_8),
                JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8));
    }

    static String format(TopicLayout.Generation generation) {
        ObjectNode node = JSON.createObjectNode();
        node.put("generation", generation.number());
        node.put("partitions", generation.partitions());
        node.put("sealAfter", generation.sealAfter());
        return JSON.writeValueAsString(node);
    }

    static TopicLayout parse(String topic, List<byte[]> values) {
        Map<Integer, JsonNode> generations = new TreeMap<>();
        Map<Integer, Map<Integer, Long>> cuts = new HashMap<>();
        for (byte[] value : values) {
            if (value == null) {
                continue;
            }
            JsonNode node = JSON.readTree(new String(value, StandardCharsets.UTF_8));
            int number = node.get("generation").asInt();
            if (node.has("cut")) {
                cuts.computeIfAbsent(number, n -> new HashMap<>()).putIfAbsent(node.get("partition").asInt(),
                        node.get("cut").asLong());
            } else {
                generations.put(number, node);
            }
        }
        List<TopicLayout.Generation> list = new ArrayList<>();
        generations.forEach((number, node) -> list.add(new TopicLayout.Generation(number, node.get("partitions").asInt(),
                node.path("sealAfter").asLong(0), cuts.getOrDefault(number, Map.of()))));
        return new TopicLayout(topic, list);
    }
}
