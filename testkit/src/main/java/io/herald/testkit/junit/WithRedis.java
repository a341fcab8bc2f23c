package io.herald.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a real {@code redis-server}: declare a {@link io.herald.testkit.redis.RedisServer}
 * parameter in the constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a test method.
 *
 * <p>One server per top-level test class ({@code @Nested} classes share their outer class's server); it is
 * killed after the class. A test that needs a second server calls {@code RedisServer.start()} itself. With
 * {@code HERALD_TEST_REDIS_URL} set, the server is that external one instead; fault tests then
 * {@code assumeTrue(redis.controllable())}. See {@link WithKafka} for handing the URL to a Spring Boot test.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisExtension.class)
public @interface WithRedis {
}
