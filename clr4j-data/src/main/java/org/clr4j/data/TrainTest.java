package org.clr4j.data;

import org.clr4j.Checks;

/** A training set and the held-out set it is evaluated on. */
public record TrainTest(Dataset train, Dataset test) {
  public TrainTest {
    Checks.notNull("train", train);
    Checks.notNull("test", test);
    if (train.featureCount() != test.featureCount() || train.numClasses() != test.numClasses()) {
      throw new IllegalArgumentException("train (" + train + ") and test (" + test + ") must have the same shape");
    }
  }
}
