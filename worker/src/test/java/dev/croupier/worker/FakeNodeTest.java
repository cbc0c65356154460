package dev.croupier.worker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A worker under test against a fresh {@link FakeNode}, aborted and closed after each test. */
abstract class FakeNodeTest {

  FakeNode node;
  Worker worker;

  @BeforeEach
  void startNode() throws InterruptedException {
    node = new FakeNode();
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.abort();
    }
    node.close();
  }
}
