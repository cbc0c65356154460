package dev.croupier.engine.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.RetryKeys;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySchemaTest {

  private final KeySchema keys = new KeySchema("ns", 16);

  @Test
  void everyKey_carriesTheShardHashTag() {
    assertThat(keys.queue(3, "t:f")).isEqualTo("ns:{c:3}:q:t:f");
    assertThat(keys.job(5, "5-X")).startsWith("ns:{c:5}:");
    assertThat(keys.functionConfig("f")).startsWith("ns:{c:0}:");
  }

  @Test
  void userText_neverEntersAKeyUnchecked() {
    assertThatThrownBy(() -> keys.queueId("a:b", "f", null)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> keys.queueId("t", "f}{c:1", null)).isInstanceOf(InvalidRequestException.class);
    String weird = keys.queueId("t", "f", "x:{c:9}\n*");
    assertThat(weird).matches("t:f:#[0-9a-f]{32}");
    assertThat(keys.queueId("t", "f", "provider-1")).isEqualTo("t:f:provider-1");
    assertThat(keys.idempotency(0, "t", "anything {} : \n")).matches("ns:\\{c:0\\}:idem:t:[0-9a-f]{64}");
    String token = "0123456789abcdef0123456789abcdef";
    assertThat(keys.retryKeys(0, "t", RetryKeys.parse(RetryKeys.of(token, 3))))
        .isEqualTo("ns:{c:0}:idem:t:call:" + token);
  }

  @Test
  void queueIdParts_roundTrip() {
    String qid = keys.queueId("tenant-1", "send.sms", "vendor");
    assertThat(KeySchema.tenantOfQueue(qid)).isEqualTo("tenant-1");
    assertThat(KeySchema.functionOfQueue(qid)).isEqualTo("send.sms");
    assertThat(KeySchema.keyTokenOfQueue(qid)).isEqualTo("vendor");
    assertThat(KeySchema.keyTokenOfQueue("t:f")).isNull();
  }

  @Test
  void tenants_spreadOverShards_stably() {
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      int s = keys.shardOf("tenant-" + i);
      assertThat(s).isBetween(0, 15).isEqualTo(keys.shardOf("tenant-" + i));
      used.add(s);
    }
    assertThat(used).hasSize(16);
  }

  @Test
  void jobIds_areOrdered_andNameTheirShard() {
    JobIds ids = new JobIds();
    String a = ids.next(7, 1000);
    String b = ids.next(7, 1000);
    String c = ids.next(7, 999);
    assertThat(a).startsWith("7-");
    assertThat(a.compareTo(b)).isNegative();
    assertThat(b.compareTo(c)).isNegative();
    assertThat(JobIds.shardOf(a, 16)).isEqualTo(7);
    assertThatThrownBy(() -> JobIds.shardOf(a, 4)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> JobIds.shardOf("7-../../etc", 16)).isInstanceOf(InvalidRequestException.class);
  }
}
