package dev.croupier.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that tests move by hand. Thread-safe. */
public final class FakeClock implements InstantSource {

  private final AtomicLong millis;

  /** Starts at {@code start}. */
  public FakeClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  /** Starts at the real current time (so Redis-side TTLs stay sensible). */
  public static FakeClock atNow() {
    return new FakeClock(Instant.now());
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  /** Moves time forward. */
  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }
}
