package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A sink that takes jobs against a credit budget and never completes them (a hung or dead worker). */
final class HoldingSink implements JobSink {
  private final String function;
  private final AtomicInteger credits;
  private final AtomicInteger delivered = new AtomicInteger();
  private final LinkedBlockingQueue<LeasedJob> jobs = new LinkedBlockingQueue<>();

  HoldingSink(String function, int credits) {
    this.function = function;
    this.credits = new AtomicInteger(credits);
  }

  void grant(int n) {
    credits.addAndGet(n);
  }

  int delivered() {
    return delivered.get();
  }

  LeasedJob next() throws InterruptedException {
    LeasedJob j = jobs.poll(20, TimeUnit.SECONDS);
    assertThat(j).as("a delivery within 20 s").isNotNull();
    return j;
  }

  @Override
  public Set<String> functions() {
    return Set.of(function);
  }

  @Override
  public int reserve(String f, int max) {
    while (true) {
      int c = credits.get();
      int take = Math.min(c, max);
      if (take <= 0) {
        return 0;
      }
      if (credits.compareAndSet(c, c - take)) {
        return take;
      }
    }
  }

  @Override
  public void release(String f, int count) {
    credits.addAndGet(count);
  }

  @Override
  public void deliver(LeasedJob job) {
    delivered.incrementAndGet();
    jobs.add(job);
  }
}
