package org.clr4j.djl.train;

/**
 * A training step or an evaluation gave a non-finite loss: the learning rate is too high for this model and data.
 * An outcome of the run, not a bug; the message says at which step and rate.
 */
public final class TrainingDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final long step;
  private final double lr;

  public TrainingDivergedException(String message, long step, double lr) {
    super(message);
    this.step = step;
    this.lr = lr;
  }

  /** The step (from 0) whose loss was not finite, or the last step before the evaluation that was not. */
  public long step() {
    return step;
  }

  /** The learning rate of that step. */
  public double lr() {
    return lr;
  }
}
