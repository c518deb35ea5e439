package org.clr4j.rangetest;

/**
 * What a range test needs from a training engine: one training step at a given learning rate, and optionally an
 * evaluation on held-out batches.
 *
 * <p>Lifecycle contract: {@link RangeTest#run(Probe)} calls {@link #begin()} once, then {@link #trainStep(double)}
 * (and {@link #evaluate()}) any number of times, then {@link #close()} <b>exactly once, always</b>: when the test
 * completes, when it stops early, and when {@code begin}, {@code trainStep}, {@code evaluate} or a listener throws.
 * An engine adapter snapshots the parameters and optimizer state in {@code begin} and restores them in {@code close},
 * so a range test never changes the model; {@code close} must therefore cope with a {@code begin} that failed half
 * way. If {@code close} throws while another exception is propagating, its exception is added as suppressed.
 */
public interface Probe extends AutoCloseable {

  /** Called once before the first step; snapshot what {@link #close()} must restore. Does nothing by default. */
  default void begin() {}

  /**
   * Runs one training step (forward, backward, optimizer update) on the next mini-batch at learning rate {@code lr}
   * and returns that mini-batch's loss. A NaN or infinite loss ends the test.
   */
  double trainStep(double lr);

  /** Whether {@link #evaluate()} is available; false by default. */
  default boolean supportsEvaluation() {
    return false;
  }

  /** Evaluates the current model on held-out batches without changing it. */
  default Evaluation evaluate() {
    throw new UnsupportedOperationException("this probe does not support evaluation");
  }

  /** Called exactly once after the test, however it ended; restore the snapshot here. Does nothing by default. */
  @Override
  default void close() {}
}
