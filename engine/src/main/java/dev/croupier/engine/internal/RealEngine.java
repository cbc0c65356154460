package dev.croupier.engine.internal;

import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;

/** The engine. (Being written: this placeholder only lets the other modules compile.) */
public final class RealEngine {
  private RealEngine() {}

  /** Starts an engine. */
  public static Engine start(EngineOptions options) {
    throw new IllegalStateException("engine core not merged yet");
  }
}
