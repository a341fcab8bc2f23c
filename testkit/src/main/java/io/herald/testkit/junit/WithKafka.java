package io.herald.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a real Kafka broker: declare a {@link io.herald.testkit.kafka.KafkaBroker} parameter
 * in the constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a test method.
 *
 * <p>One broker serves every test class of the JVM (it starts on first use and stops when the test run ends),
 * so use topic names and consumer group ids unique to the test class. With {@code HERALD_TEST_KAFKA_BOOTSTRAP}
 * set, the broker is that external one instead.
 *
 * <p>For a Spring Boot test, hand the address over in a {@code @BeforeAll} method, which JUnit runs before
 * Spring builds the context:
 * <pre>{@code
 * @WithKafka
 * @SpringBootTest
 * class DispatchIT {
 *     static KafkaBroker kafka;
 *
 *     @BeforeAll
 *     static void kafka(KafkaBroker broker) { kafka = broker; }
 *
 *     @DynamicPropertySource
 *     static void properties(DynamicPropertyRegistry registry) {
 *         registry.add("spring.kafka.bootstrap-servers", () -> kafka.bootstrapServers());
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaExtension.class)
public @interface WithKafka {
}
