package dev.croupier.engine.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.RetryKeys;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KeySchemaTest {

  private final KeySchema keys = new KeySchema("ns", 16);

  @Test
  void jobIdCheck_agreesWithTheDocumentedForm_onRandomStrings() {
    Pattern form = Pattern.compile("[0-9]{1,5}-[0-9A-HJKMNP-TV-Z]{26}");
    Random random = new Random(11);
    String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZaz-:{} ";
    JobIds ids = new JobIds();
    int valid = 0;
    for (int i = 0; i < 100_000; i++) {
      StringBuilder id = new StringBuilder(ids.next(random.nextInt(100_000), System.currentTimeMillis()));
      for (int edits = random.nextInt(3); edits > 0; edits--) { // most near a real id, some one
        int at = random.nextInt(id.length() + 1);             // or two characters off it
        switch (random.nextInt(3)) {
          case 0 -> id.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> id.deleteCharAt(Math.min(at, id.length() - 1));
          default -> id.setCharAt(Math.min(at, id.length() - 1), alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String s = id.toString();
      boolean expected = form.matcher(s).matches();
      assertThat(JobIds.isValid(s)).as("'%s'", s).isEqualTo(expected);
      valid += expected ? 1 : 0;
    }
    assertThat(valid).as("both answers were tried").isBetween(20_000, 80_000);
    assertThat(JobIds.isValid(null)).isFalse();
    assertThat(JobIds.isValid("")).isFalse();
  }

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
