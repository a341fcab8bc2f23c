package io.herald.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private JavaProcess child(String... args) {
        return JavaProcess.mainClass(ChildMain.class.getName(), JavaProcess.currentClasspath(),
                List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"), List.of(args), dir.resolve("child.log"));
    }

    @Test
    void awaitLineReturnsTheMatchAndStopRunsShutdownHooks() {
        JavaProcess process = child("wait");

        String pid = process.awaitLine(Pattern.compile("child ready pid=(\\d+)"), TIMEOUT).group(1);

        assertThat(Long.parseLong(pid)).isEqualTo(process.pid());
        assertThat(process.awaitLine(Pattern.compile("on stderr"), TIMEOUT).group()).isEqualTo("on stderr");
        assertThat(process.isAlive()).isTrue();

        process.stop();

        assertThat(process.isAlive()).isFalse();
        assertThat(process.awaitExit(TIMEOUT)).isEqualTo(143);
        assertThat(process.logTail(5)).contains("shutdown hook ran");
    }

    @Test
    void killGivesNoChanceToCleanUp() {
        JavaProcess process = child("wait");
        process.awaitLine(Pattern.compile("child ready"), TIMEOUT);

        process.kill();

        assertThat(process.isAlive()).isFalse();
        assertThat(process.awaitExit(TIMEOUT)).isEqualTo(137);
        assertThat(process.logTail(5)).doesNotContain("shutdown hook ran");
    }

    @Test
    void awaitLineFailsFastWithTheLogTailWhenTheProcessExits() {
        JavaProcess process = child("exit", "3");

        assertThat(process.awaitLine(Pattern.compile("without a line break"), TIMEOUT).group())
                .isEqualTo("without a line break");
        assertThatThrownBy(() -> process.awaitLine(Pattern.compile("never printed"), TIMEOUT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("exiting with 3");
    }

    @Test
    void awaitLineTimesOutWithTheLogTailAndOnlyReadsThisProcessOutput() throws Exception {
        try (JavaProcess first = child("wait")) {
            first.awaitLine(Pattern.compile("child ready"), TIMEOUT);
        }
        try (JavaProcess second = child("wait")) {
            second.awaitLine(Pattern.compile("child ready"), TIMEOUT);

            assertThatThrownBy(() -> second.awaitLine(Pattern.compile("shutdown hook ran"), Duration.ofMillis(300)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("within 300 ms")
                    .hasMessageContaining("child ready pid=" + second.pid());
        }
        assertThat(Files.readString(dir.resolve("child.log"))).contains("shutdown hook ran");
    }

    @Test
    void currentClasspathHoldsTheTestClasses() {
        assertThat(JavaProcess.currentClasspath()).contains("test-classes");
        assertThat(JavaProcess.javaExecutable()).isExecutable();
    }
}
