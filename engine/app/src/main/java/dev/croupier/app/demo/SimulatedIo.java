package dev.croupier.app.demo;

import java.time.Duration;

/** The demo's job body: a sleep standing in for a call to a slow provider. */
final class SimulatedIo {

  private SimulatedIo() {}

  /** Sleeps {@code d}; returns false (interrupt flag restored) when interrupted. */
  static boolean run(Duration d) {
    try {
      Thread.sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
