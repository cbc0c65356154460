package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.node.config.Principal;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class PeerTest {

  @Test
  void name_withAHugeClientNameFullOfNewlines_isBoundedAndOnOneLine() {
    String hostile = "worker\n12:00:00.000 ERROR forged line\r\n" + "x".repeat(100_000);
    Peer peer = new Peer(new EmbeddedChannel(), Principal.LOCAL, hostile, false);
    assertThat(peer.name()).doesNotContain("\n", "\r").hasSizeLessThan(200)
        .contains("worker?12:00:00.000 ERROR forged line??");
  }
}
