package dev.croupier.node.internal.server;

import dev.croupier.api.FunctionSpec;
import dev.croupier.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The setup of a test class that talks to one node: the test Redis, one engine and its server
 * with default options, and function {@code f} registered, started once before the class's tests
 * and stopped after them. The fields are static because JUnit's class lifecycle is; each test
 * class gets its own node in a fresh namespace (Surefire runs the classes one at a time).
 */
abstract class OneNodeTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static Nodes nodes;
  static Node node;

  @BeforeAll
  static void startNode() {
    nodes = new Nodes(REDIS);
    node = nodes.start();
    nodes.engine(0).registerFunction(FunctionSpec.newBuilder("f").build());
  }

  @AfterAll
  static void stopNode() {
    nodes.close();
  }
}
