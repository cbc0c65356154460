package dev.croupier.conformance;

import dev.croupier.testing.RedisServerExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every scripted session (conformance/sessions) through the Java protocol classes against a real node. */
class SessionsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static ConformanceNode node;

  @BeforeAll
  static void start() {
    node = new ConformanceNode(REDIS);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @TestFactory
  List<DynamicTest> sessions() {
    return Suite.files("sessions").stream().map((Path file) -> DynamicTest.dynamicTest(Suite.stem(file),
        () -> new SessionRunner("127.0.0.1", node.port()).run(Suite.read(file)))).toList();
  }
}
