package dev.croupier.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TenantTagsTest {

  @Test
  void limitZero_isOff() {
    assertThat(new TenantTags(0).enabled()).isFalse();
    assertThatThrownBy(() -> new TenantTags(-1)).hasMessageContaining("-1");
  }

  @Test
  void firstTenants_keepTheirName_laterOnesAreOther_andAdmittedOnesStay() {
    TenantTags tags = new TenantTags(2);
    assertThat(tags.tag("a")).isEqualTo("a");
    assertThat(tags.tag("b")).isEqualTo("b");
    assertThat(tags.tag("c")).isEqualTo(TenantTags.OTHER);
    assertThat(tags.tag("a")).isEqualTo("a");
    assertThat(tags.admitted()).isEqualTo(2);
  }

  @Test
  void racingThreads_neverAdmitMoreThanTheLimit() throws Exception {
    TenantTags tags = new TenantTags(50);
    Set<String> named = ConcurrentHashMap.newKeySet();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 500; i++) {
          String tag = tags.tag("tenant-" + i % 120);
          if (!tag.equals(TenantTags.OTHER)) {
            named.add(tag);
          }
        }
      }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(named).hasSize(50);
    assertThat(tags.admitted()).isEqualTo(50);
  }
}
