package org.clr4j.djl.train;

/** Follows a training run, e.g. to draw a progress bar. Called on the training thread. */
public interface TrainingListener {
  /** After each step; {@code step} counts from 0 over the whole run. */
  default void onStep(long step, long totalSteps, double lr, double momentum, double loss) {}

  /** After each epoch's evaluation. */
  default void onEpoch(EpochResult result) {}

  /** After a checkpoint has been written. */
  default void onCheckpoint(java.nio.file.Path file, long step) {}

  TrainingListener NONE = new TrainingListener() {};
}
