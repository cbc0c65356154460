package dev.croupier.engine;

import dev.croupier.api.LeasedJob;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A sink that takes jobs against a credit budget and never completes them (a hung or dead worker). */
final class HoldingSink extends CreditedSink {
  private final AtomicInteger delivered = new AtomicInteger();
  private final LinkedBlockingQueue<LeasedJob> jobs = new LinkedBlockingQueue<>();

  HoldingSink(String function, int credits) {
    super(function, credits);
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
  public void deliver(LeasedJob job) {
    delivered.incrementAndGet();
    jobs.add(job);
  }
}
