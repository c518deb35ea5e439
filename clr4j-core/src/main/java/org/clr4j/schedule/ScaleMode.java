package org.clr4j.schedule;

/** What a cyclic schedule's scale function is evaluated at. */
public enum ScaleMode {
  /** The 1-based cycle number. */
  CYCLE,
  /** The 0-based step (iteration). */
  ITERATIONS
}
