package org.clr4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The arithmetic; what DL4J does on Spark is measured in clr4j-dl4j-spark's SparkScheduleTest. */
class SparkStepsTest {
  @Test
  void roundsDownToWholeRoundsOfWorkersTimesAveragingFrequency() {
    assertEquals(15, SparkSteps.perEpoch(480, 2, 16, 3));  // 30 minibatches, 5 rounds of 6
    assertEquals(12, SparkSteps.perEpoch(400, 2, 16, 4));  // 25 minibatches, floor(25/8) = 3 rounds
    assertEquals(30, SparkSteps.perEpoch(480, 1, 16, 3));  // one worker: twice the steps of two
    assertEquals(20, SparkSteps.perEpoch(1200, 2, 30, 5)); // the example: 40 minibatches, 4 rounds
    assertEquals(5, SparkSteps.perEpoch(10, 4, 16, 5));    // less than a round is still one round
    assertEquals(60, SparkSteps.total(3, 1200, 2, 30, 5));
    assertEquals(6, SparkSteps.perEpochFromMinibatches(13, 2, 3));
  }

  @Test
  void rejectsNonPositiveSettingsNamingThem() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SparkSteps.perEpoch(100, 0, 16, 5));
    assertTrue(e.getMessage().startsWith("workers (0)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SparkSteps.perEpoch(0, 2, 16, 5));
    assertThrows(IllegalArgumentException.class, () -> SparkSteps.perEpoch(100, 2, 0, 5));
    assertThrows(IllegalArgumentException.class, () -> SparkSteps.perEpoch(100, 2, 16, 0));
    assertThrows(IllegalArgumentException.class, () -> SparkSteps.total(0, 100, 2, 16, 5));
  }
}
