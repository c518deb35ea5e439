package org.clr4j.djl.train;

/**
 * A training step returned a non-finite loss: the learning rate is too high for this model and data. An outcome of
 * the run, not a bug; the message says at which step and rate.
 */
public final class TrainingDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
