package dev.croupier.engine;

import dev.croupier.engine.spi.JobSink;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test sink for one function with a credit budget: reservations take from it, releases give back
 * to it. Subclasses decide what a delivery does (hold the job, hang, complete it...).
 */
abstract class CreditedSink implements JobSink {
  private final String function;
  private final AtomicInteger credits;

  CreditedSink(String function, int credits) {
    this.function = function;
    this.credits = new AtomicInteger(credits);
  }

  /** Allows {@code n} more deliveries. */
  final void grant(int n) {
    credits.addAndGet(n);
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
}
